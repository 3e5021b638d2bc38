// The certificates page (#/certificates): create a certificate and key
// pair (the private key is offered once, as a download), list with
// paging, activate, deactivate, revoke, delete. #/certificates/ID is a
// certificate's own page (certificates-detail.ts).
import { caURL, iot } from './api'
import { h } from './dom'
import { type CertificateSummary, certificateActions, short, statusBadge } from './certificates-actions'
import { renderCertificate } from './certificates-detail'
import { Pager, download, errorSlot, row, say, statusLine, table, text, when } from './things-shared'
import './certificates.css'

interface KeysAndCertificate {
  certificateArn: string
  certificateId: string
  certificatePem: string
  keyPair: { PublicKey: string; PrivateKey: string }
}

export function renderCertificates(params: string[]): HTMLElement {
  if (params[0]) return renderCertificate(params[0])
  const status = statusLine()
  const body = h('div')
  const loadError = errorSlot()
  const pager: Pager = new Pager('certificates', async (marker) => {
    const q = new URLSearchParams({ pageSize: '25' })
    if (marker) q.set('marker', marker)
    const out = await iot<{ certificates: CertificateSummary[]; nextMarker?: string }>('GET', `/certificates?${q}`)
    body.replaceChildren(listTable(out.certificates ?? [], status, pager))
    return out.nextMarker
  }, loadError)
  void pager.first()
  return h(
    'div',
    { class: 'certificates' },
    h('h1', {}, 'Certificates'),
    createCard(status, () => pager.first()),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'certs-list-title' },
      h('h2', { id: 'certs-list-title' }, 'All certificates'),
      status,
      loadError.el,
      body,
      pager.element,
    ),
  )
}

function listTable(certs: CertificateSummary[], status: HTMLElement, pager: Pager): HTMLElement {
  const rows = certs.map((c) =>
    row(
      h('a', { href: `#/certificates/${c.certificateId}`, title: c.certificateId }, h('code', { class: 'hob-nowrap' }, short(c.certificateId))),
      statusBadge(c.status),
      when(c.creationDate),
      certificateActions(
        c,
        async (s) => {
          say(status, `Certificate ${short(c.certificateId)} is now ${s}.`)
          await pager.reload()
        },
        async () => {
          say(status, `Deleted certificate ${short(c.certificateId)}.`)
          await pager.reload()
        },
      ),
    ),
  )
  return table('Certificates, newest first', ['Certificate id', 'Status', 'Created', 'Actions'], rows, 'No certificates yet.')
}

// createCard creates a certificate and key pair and shows them once.
function createCard(status: HTMLElement, created: () => Promise<void>): HTMLElement {
  const active = h('input', { type: 'checkbox', id: 'cert-active', checked: true })
  const create = h('button', { type: 'button' }, 'Create certificate')
  const slot = errorSlot(create)
  const result = h('div')
  create.addEventListener('click', async () => {
    slot.show(null)
    create.disabled = true
    try {
      const out = await iot<KeysAndCertificate>('POST', `/keys-and-certificate?setAsActive=${active.checked}`)
      result.replaceChildren(secrets(out, () => result.replaceChildren()))
      result.querySelector('h3')?.focus()
      say(status, `Created certificate ${short(out.certificateId)}.`)
      await created()
    } catch (e) {
      slot.show(text(e))
    } finally {
      create.disabled = false
    }
  })
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'cert-create-title' },
    h('h2', { id: 'cert-create-title' }, 'Create a certificate'),
    h('p', { class: 'hint' }, 'hob signs a new certificate with its CA and makes a key pair for it.'),
    h('div', { class: 'field check' }, active, h('label', { for: 'cert-active' }, 'Activate it now')),
    h('div', { class: 'hob-actions' }, create, slot.el),
    result,
  )
}

// secrets shows a new certificate's PEMs with downloads. The private key
// lives only in this element: dismissing it (or leaving the page) drops
// it for good.
function secrets(c: KeysAndCertificate, dismiss: () => void): HTMLElement {
  const id = c.certificateId
  const files: [label: string, filename: string, body: string][] = [
    ['Certificate', `${id}-certificate.pem.crt`, c.certificatePem],
    ['Public key', `${id}-public.pem.key`, c.keyPair.PublicKey],
    ['Private key', `${id}-private.pem.key`, c.keyPair.PrivateKey],
  ]
  const done = h('button', { type: 'button' }, 'I have saved the files')
  done.addEventListener('click', dismiss)
  return h(
    'section',
    { class: 'cert-secrets', 'aria-labelledby': 'cert-secrets-title' },
    h('h3', { id: 'cert-secrets-title', tabindex: '-1' }, 'New certificate ', h('a', { href: `#/certificates/${id}` }, h('code', {}, short(id)))),
    h(
      'p',
      { class: 'notice cert-once', role: 'note' },
      'Download the private key now: this is the only time it is shown. hob does not keep it, and it cannot be shown again.',
    ),
    h('p', {}, 'ARN: ', h('code', {}, c.certificateArn)),
    h(
      'div',
      { class: 'hob-actions cert-downloads' },
      ...files.map(([label, filename, body]) => {
        const b = h('button', { type: 'button' }, `Download ${label.toLowerCase()}`)
        b.addEventListener('click', () => download(filename, body))
        return b
      }),
      h('a', { href: caURL, download: 'hob-ca.pem' }, 'Download hob’s CA certificate'),
    ),
    h(
      'div',
      { class: 'cert-pems' },
      ...files.map(([label, , body], i) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `cert-pem-${i}` }, label),
          h('textarea', { id: `cert-pem-${i}`, readonly: true, rows: '6', spellcheck: 'false' }, body),
        ),
      ),
    ),
    done,
  )
}
