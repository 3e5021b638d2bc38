// The policies page (#/policies): create a policy in a JSON editor, list
// with paging, delete, and test authorization. #/policies/NAME is a
// policy's own page (policies-detail.ts).
import { iot } from './api'
import { field, h, showError } from './dom'
import { renderPolicy } from './policies-detail'
import { PolicyEditor, accountARNPrefix, isMalformed, starterPolicy } from './policies-editor'
import { testAuthorizationPanel } from './policies-test'
import { Pager, confirmDelete, errorSlot, row, say, seg, statusLine, table, text } from './things-shared'
import './policies.css'

interface PolicyRef {
  policyName: string
  policyArn: string
}

export function renderPolicies(params: string[]): HTMLElement {
  if (params[0]) return renderPolicy(params[0])
  const status = statusLine()
  const body = h('div')
  const loadError = errorSlot()
  const pager: Pager = new Pager('policies', async (marker) => {
    const q = new URLSearchParams({ pageSize: '25', isAscendingOrder: 'true' })
    if (marker) q.set('marker', marker)
    const out = await iot<{ policies: PolicyRef[]; nextMarker?: string }>('GET', `/policies?${q}`)
    const rows = (out.policies ?? []).map((p) =>
      row(
        h('a', { href: `#/policies/${seg(p.policyName)}`, title: p.policyArn }, p.policyName),
        confirmDelete(`policy ${p.policyName}`, async () => {
          await iot('DELETE', `/policies/${seg(p.policyName)}`)
          say(status, `Deleted policy ${p.policyName}.`)
          await pager.reload()
        }),
      ),
    )
    body.replaceChildren(table('Policies', ['Name', 'Actions'], rows, 'No policies yet.'))
    return out.nextMarker
  }, loadError)
  void pager.first()
  return h(
    'div',
    { class: 'policies' },
    h('h1', {}, 'Policies'),
    h(
      'div',
      { class: 'policies-top' },
      createCard(status, () => pager.first()),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'policies-list-title' },
        h('h2', { id: 'policies-list-title' }, 'All policies'),
        status,
        loadError.el,
        body,
        pager.element,
      ),
    ),
    testAuthorizationPanel(),
  )
}

// createCard creates a policy from a name and a document.
function createCard(status: HTMLElement, created: () => Promise<void>): HTMLElement {
  const name = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', required: true })
  const editor = new PolicyEditor('new-policy-doc', 'Policy document', starterPolicy(''))
  const submit = h('button', { type: 'submit' }, 'Create policy')
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'policy-create-title', novalidate: true },
    h('h2', { id: 'policy-create-title' }, 'Create a policy'),
    field('new-policy-name', 'Policy name', name, 'Letters, digits and + = , . @ - _ (up to 128 characters).'),
    editor.element,
    submit,
  )
  // The starter document names this account's ARNs once they are known.
  void accountARNPrefix().then((p) => {
    if (p && editor.textarea.value === starterPolicy('')) editor.textarea.value = starterPolicy(p)
  })
  name.addEventListener('input', () => showError('new-policy-name', null))
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    showError('new-policy-name', null)
    const policyName = name.value.trim()
    if (!policyName) {
      showError('new-policy-name', 'Enter a name for the policy.')
      name.focus()
      return
    }
    const doc = editor.value()
    if (doc === null) return
    submit.disabled = true
    try {
      await iot('POST', `/policies/${seg(policyName)}`, { policyDocument: doc })
      name.value = ''
      say(status, `Created policy ${policyName}. `)
      status.append(h('a', { href: `#/policies/${seg(policyName)}` }, `Open ${policyName}`))
      await created()
    } catch (e) {
      // A bad document (MalformedPolicyException) is about the editor;
      // anything else (a taken or invalid name) about the name.
      const m = text(e)
      if (isMalformed(e)) {
        editor.serverError(m)
      } else {
        showError('new-policy-name', m)
        name.focus()
      }
    } finally {
      submit.disabled = false
    }
  })
  return form
}
