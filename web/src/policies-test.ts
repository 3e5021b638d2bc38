// The "Test authorization" panel: may this certificate, connected with
// this client id, perform this action on this resource? It asks hob
// (TestAuthorization, POST /test-authorization?clientId=…) and shows the
// decision, the policies hob names as deciding, and their statements
// that cover the request.
import { iot } from './api'
import { field, h, showError } from './dom'
import { accountARNPrefix, pretty } from './policies-editor'
import { accountPrefix, certificateChoices, seg, text } from './things-shared'

interface PolicyRef {
  policyName: string
  policyArn: string
}

interface AuthResult {
  authInfo: { actionType: string; resources: string[] }
  allowed: { policies: PolicyRef[] }
  denied: { implicitDeny: { policies: PolicyRef[] }; explicitDeny: { policies: PolicyRef[] } }
  authDecision: 'ALLOWED' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY'
  missingContextValues?: string[]
}

interface Statement {
  Effect?: string
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: string | string[]
  NotResource?: string | string[]
  Condition?: unknown
}

// The action types TestAuthorization takes, with the policy action each
// checks and the resource type its ARN names.
const actions: [type: string, action: string, resource: string][] = [
  ['CONNECT', 'iot:Connect', 'client'],
  ['PUBLISH', 'iot:Publish', 'topic'],
  ['SUBSCRIBE', 'iot:Subscribe', 'topicfilter'],
  ['RECEIVE', 'iot:Receive', 'topic'],
]

export function testAuthorizationPanel(): HTMLElement {
  const principal = h('input', { type: 'text', list: 'test-auth-certs', autocomplete: 'off', spellcheck: 'false' })
  const clientId = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' })
  const action = h('select', {}, ...actions.map(([t, a]) => h('option', { value: t }, a)))
  const resource = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' })
  const refill = h('button', { type: 'button', class: 'small' }, 'Fill in the resource')
  const submit = h('button', { type: 'submit' }, 'Test')
  const result = h('div', { class: 'test-auth-result', role: 'status', 'aria-live': 'polite' })
  // The resource follows the principal, action and client id until the
  // user edits it.
  let touched = false
  let account = ''
  const fill = (): void => {
    const [, , type] = actions.find(([t]) => t === action.value) ?? actions[0]
    const p = accountPrefix(principal.value.trim()) || account || 'arn:aws:iot:REGION:ACCOUNT:'
    const id = clientId.value.trim() || 'CLIENT_ID'
    resource.value = type === 'client' ? `${p}client/${id}` : `${p}${type}/${id}/telemetry`
  }
  for (const el of [principal, clientId, action]) {
    el.addEventListener('input', () => {
      if (!touched) fill()
    })
  }
  resource.addEventListener('input', () => {
    touched = true
  })
  refill.addEventListener('click', () => {
    touched = false
    fill()
    resource.focus()
  })
  fill()
  void accountARNPrefix().then((p) => {
    account = p
    if (!touched) fill()
  })
  const form = h(
    'form',
    { novalidate: true, 'aria-label': 'Test authorization' },
    field('test-auth-principal', 'Certificate ARN (principal)', principal, 'Pick one of the suggestions or paste an ARN.'),
    certificateChoices('test-auth-certs'),
    h(
      'div',
      { class: 'row' },
      field('test-auth-client', 'Client id', clientId),
      field('test-auth-action', 'Action', action),
    ),
    h(
      'div',
      { class: 'row hob-inline' },
      field('test-auth-resource', 'Resource ARN', resource, 'client/CLIENT_ID for iot:Connect, topic/NAME for Publish and Receive, topicfilter/FILTER for Subscribe.'),
      refill,
    ),
    submit,
  )
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    for (const id of ['test-auth-principal', 'test-auth-client', 'test-auth-resource']) showError(id, null)
    const p = principal.value.trim()
    const r = resource.value.trim()
    if (!p) {
      showError('test-auth-principal', 'Enter a certificate ARN.')
      principal.focus()
      return
    }
    if (!r) {
      showError('test-auth-resource', 'Enter a resource ARN.')
      resource.focus()
      return
    }
    submit.disabled = true
    result.replaceChildren(h('p', { class: 'hint' }, 'Testing…'))
    try {
      const q = new URLSearchParams({ clientId: clientId.value.trim() })
      const out = await iot<{ authResults: AuthResult[] }>('POST', `/test-authorization?${q}`, {
        principal: p,
        authInfos: [{ actionType: action.value, resources: [r] }],
      })
      const res = out.authResults[0]
      result.replaceChildren(res ? await decision(res, clientId.value.trim()) : h('p', {}, 'hob gave no result.'))
    } catch (e) {
      result.replaceChildren()
      // hob's messages name the field they are about.
      const m = text(e)
      const id = /resource/i.test(m) ? 'test-auth-resource' : /client/i.test(m) ? 'test-auth-client' : 'test-auth-principal'
      showError(id, m)
    } finally {
      submit.disabled = false
    }
  })
  return h(
    'section',
    { class: 'card test-auth', id: 'test-authorization', 'aria-labelledby': 'test-auth-title' },
    h('h2', { id: 'test-auth-title' }, 'Test authorization'),
    h(
      'p',
      { class: 'hint' },
      'Evaluates the policies attached to the certificate as hob would for a client connected with this client id. The certificate’s status is not considered.',
    ),
    form,
    result,
  )
}

// decision shows hob's verdict, the deciding policies and their
// statements that cover the request.
async function decision(res: AuthResult, clientId: string): Promise<HTMLElement> {
  const [, action] = actions.find(([t]) => t === res.authInfo.actionType) ?? ['', res.authInfo.actionType]
  const resource = res.authInfo.resources[0] ?? ''
  let badge: HTMLElement
  let summary: string
  let deciding: PolicyRef[]
  let effect: string
  switch (res.authDecision) {
    case 'ALLOWED':
      badge = h('span', { class: 'hob-badge ok' }, 'ALLOWED')
      deciding = res.allowed.policies
      summary = `Allowed by ${names(deciding)}.`
      effect = 'Allow'
      break
    case 'EXPLICIT_DENY':
      badge = h('span', { class: 'hob-badge bad' }, 'DENIED (explicit)')
      deciding = res.denied.explicitDeny.policies
      summary = `Denied by a Deny statement in ${names(deciding)}.`
      effect = 'Deny'
      break
    default: {
      badge = h('span', { class: 'hob-badge bad' }, 'DENIED (implicit)')
      const evaluated = res.denied.implicitDeny.policies
      summary =
        evaluated.length === 0
          ? 'Denied: no policy is attached to this certificate.'
          : `Denied: no statement allows it. Policies evaluated: ${names(evaluated)}.`
      deciding = []
      effect = ''
    }
  }
  const out = h(
    'div',
    {},
    h('p', { class: 'test-auth-verdict' }, badge, ' ', h('strong', {}, action), ' on ', h('code', {}, resource)),
    h('p', {}, summary),
  )
  if (res.missingContextValues?.length) {
    out.append(h('p', { class: 'hint' }, `Not known without a live connection: ${res.missingContextValues.join(', ')}.`))
  }
  for (const p of deciding) out.append(await statements(p, effect, action, resource, clientId))
  return out
}

function names(ps: PolicyRef[]): string {
  return ps.map((p) => p.policyName).join(', ') || 'no policy'
}

// statements shows the statements of policy p (its default version) with
// the given effect that cover action on resource, as far as they can be
// checked here: ${iot:ClientId} is the client id, other variables match
// anything, conditions are not evaluated.
async function statements(p: PolicyRef, effect: string, action: string, resource: string, clientId: string): Promise<HTMLElement> {
  const box = h(
    'div',
    { class: 'test-auth-policy' },
    h('h3', {}, 'Policy ', h('a', { href: `#/policies/${seg(p.policyName)}` }, p.policyName)),
  )
  let doc: { Statement?: Statement | Statement[] }
  try {
    doc = JSON.parse((await iot<{ policyDocument: string }>('GET', `/policies/${seg(p.policyName)}`)).policyDocument)
  } catch (e) {
    box.append(h('p', { class: 'error' }, text(e)))
    return box
  }
  const all = ([] as Statement[]).concat(doc.Statement ?? [])
  const withEffect = all.filter((s) => s.Effect === effect)
  const covering = withEffect.filter((s) => covers(s, action, resource, clientId))
  const shown = covering.length ? covering : withEffect
  box.append(
    h('p', { class: 'hint' }, covering.length ? `Statements with Effect ${effect} that cover this request:` : `Statements with Effect ${effect}:`),
    ...shown.map((s) => h('pre', { class: 'policy-doc' }, pretty(JSON.stringify(s)))),
  )
  return box
}

function covers(s: Statement, action: string, resource: string, clientId: string): boolean {
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : ([] as string[]).concat(v))
  const actionHit = s.NotAction !== undefined
    ? !list(s.NotAction).some((a) => glob(a, clientId, true).test(action))
    : list(s.Action).some((a) => glob(a, clientId, true).test(action))
  const resourceHit = s.NotResource !== undefined
    ? !list(s.NotResource).some((r) => glob(r, clientId, false).test(resource))
    : list(s.Resource).some((r) => glob(r, clientId, false).test(resource))
  return actionHit && resourceHit
}

// glob turns a policy pattern (* and ? wildcards, ${var} variables) into a
// regular expression.
function glob(pattern: string, clientId: string, fold: boolean): RegExp {
  let re = ''
  for (const m of pattern.matchAll(/\$\{([^}]*)\}|\*|\?|[^$*?]+|\$/g)) {
    const t = m[0]
    if (t === '*') re += '.*'
    else if (t === '?') re += '.'
    else if (m[1] !== undefined) re += m[1] === 'iot:ClientId' && clientId ? escape(clientId) : '.*'
    else re += escape(t)
  }
  return new RegExp(`^${re}$`, fold ? 'is' : 's')
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
