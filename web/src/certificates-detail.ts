// A certificate's page (#/certificates/ID): status and validity, status
// changes and deletion, the things and policies attached to it.
import { iot } from './api'
import { h, showError } from './dom'
import { type CertificateSummary, certificateActions, short, statusBadge } from './certificates-actions'
import {
  attachForm,
  type Back,
  backLink,
  detailShell,
  fetchDetail,
  Pager,
  detachRow,
  download,
  errorSlot,
  iotPrincipal,
  seg,
  statusLine,
  table,
  text,
  when,
} from './things-shared'

interface CertificateDescription extends CertificateSummary {
  caCertificateId?: string
  certificatePem: string
  lastModifiedDate?: number
  validity?: { notBefore?: number; notAfter?: number }
}

const back: Back = { hash: '#/certificates', label: '← All certificates' }

export function renderCertificate(id: string): HTMLElement {
  const page = detailShell('certificates certificate-detail', back, `Certificate ${short(id)}`)
  void load(page, id)
  return page
}

async function load(page: HTMLElement, id: string, notice = ''): Promise<void> {
  const c = await fetchDetail(page, async () =>
    (await iot<{ certificateDescription: CertificateDescription }>('GET', `/certificates/${seg(id)}`)).certificateDescription,
  )
  if (!c) return
  const status = statusLine()
  status.textContent = notice
  const pem = h('button', { type: 'button', class: 'small' }, 'Download PEM')
  pem.addEventListener('click', () => download(`${c.certificateId}-certificate.pem.crt`, c.certificatePem))
  page.replaceChildren(
    backLink(back),
    h('h1', {}, `Certificate ${short(c.certificateId)}`),
    status,
    h(
      'section',
      { class: 'card', 'aria-label': 'Certificate details' },
      h(
        'dl',
        { class: 'hob-facts' },
        h('dt', {}, 'Status'),
        h('dd', {}, statusBadge(c.status)),
        h('dt', {}, 'Id'),
        h('dd', {}, h('code', {}, c.certificateId)),
        h('dt', {}, 'ARN'),
        h('dd', {}, h('code', {}, c.certificateArn)),
        h('dt', {}, 'Created'),
        h('dd', {}, when(c.creationDate)),
        h('dt', {}, 'Valid'),
        h('dd', {}, when(c.validity?.notBefore), ' to ', when(c.validity?.notAfter)),
        h('dt', {}, 'Certificate'),
        h('dd', {}, pem),
        c.caCertificateId ? h('dt', {}, 'CA certificate') : null,
        c.caCertificateId ? h('dd', {}, h('code', {}, c.caCertificateId)) : null,
      ),
      certificateActions(
        c,
        (s) => load(page, id, `The certificate is now ${s}.`),
        () => {
          location.hash = '#/certificates'
        },
      ),
    ),
    h('div', { class: 'cols' }, thingsCard(c.certificateArn, status), policiesCard(c.certificateArn, status)),
  )
}

// thingsCard lists the things the certificate is attached to
// (ListPrincipalThings), with Detach, and attaches it to a thing.
function thingsCard(arn: string, status: HTMLElement): HTMLElement {
  const body = h('div')
  const loadError = errorSlot()
  const pager = new Pager('things', async (token) => {
    const q = new URLSearchParams({ maxResults: '25' })
    if (token) q.set('nextToken', token)
    const out = await iotPrincipal<{ things: string[]; nextToken?: string }>('GET', `/principals/things?${q}`, arn)
    const rows = (out.things ?? []).map((t) =>
      detachRow(
        h('a', { href: `#/things/${seg(t)}` }, t),
        `from thing ${t}`,
        () => iotPrincipal('DELETE', `/things/${seg(t)}/principals`, arn),
        `Detached the certificate from ${t}.`,
        status,
        pager,
      ),
    )
    body.replaceChildren(table('Things', ['Thing', 'Actions'], rows, 'Not attached to any thing.'))
    return out.nextToken
  }, loadError)
  const form = attachForm({
    id: 'cert-attach-thing',
    label: 'Thing name',
    control: h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' }),
    button: 'Attach to thing',
    empty: 'Enter the name of a thing.',
    status,
    attach: async (name) => {
      await iotPrincipal('PUT', `/things/${seg(name)}/principals`, arn)
      return `Attached the certificate to ${name}.`
    },
    after: () => pager.first(),
  })
  void pager.first()
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'cert-things-title' },
    h('h2', { id: 'cert-things-title' }, 'Things'),
    loadError.el,
    body,
    pager.element,
    form,
  )
}

// policiesCard lists the policies attached to the certificate
// (ListAttachedPolicies), with Detach, and attaches one (AttachPolicy).
function policiesCard(arn: string, status: HTMLElement): HTMLElement {
  const body = h('div')
  const loadError = errorSlot()
  const pager = new Pager('policies', async (marker) => {
    const q = new URLSearchParams({ pageSize: '25' })
    if (marker) q.set('marker', marker)
    const out = await iot<{ policies: { policyName: string }[]; nextMarker?: string }>(
      'POST',
      `/attached-policies/${seg(arn)}?${q}`,
    )
    const rows = (out.policies ?? []).map((p) =>
      detachRow(
        h('a', { href: `#/policies/${seg(p.policyName)}` }, p.policyName),
        `policy ${p.policyName}`,
        () => iot('POST', `/target-policies/${seg(p.policyName)}`, { target: arn }),
        `Detached policy ${p.policyName}.`,
        status,
        pager,
      ),
    )
    body.replaceChildren(table('Policies', ['Policy', 'Actions'], rows, 'No policy is attached.'))
    return out.nextMarker
  }, loadError)
  const choice = h('select', {}, h('option', { value: '' }, 'Choose a policy…'))
  void iot<{ policies: { policyName: string }[] }>('GET', '/policies?pageSize=250')
    .then((out) => choice.append(...out.policies.map((p) => h('option', { value: p.policyName }, p.policyName))))
    .catch((e) => showError('cert-attach-policy', text(e)))
  const form = attachForm({
    id: 'cert-attach-policy',
    label: 'Policy',
    control: choice,
    button: 'Attach policy',
    empty: 'Choose a policy.',
    status,
    attach: async (policy) => {
      await iot('PUT', `/target-policies/${seg(policy)}`, { target: arn })
      return `Attached policy ${policy}.`
    },
    after: () => pager.first(),
  })
  void pager.first()
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'cert-policies-title' },
    h('h2', { id: 'cert-policies-title' }, 'Policies'),
    loadError.el,
    body,
    pager.element,
    form,
  )
}
