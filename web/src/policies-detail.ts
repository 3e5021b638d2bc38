// A policy's page (#/policies/NAME): its versions (view, create, set the
// default, delete), its targets (attach and detach a certificate) and
// deletion.
import { iot } from './api'
import { h } from './dom'
import { PolicyEditor, pretty } from './policies-editor'
import {
  attachForm,
  type Back,
  backLink,
  detailShell,
  detailHeading,
  detachRow,
  fetchDetail,
  Pager,
  certificateChoices,
  certificateLink,
  confirmDelete,
  errorSlot,
  row,
  say,
  seg,
  statusLine,
  table,
  text,
  when,
} from './things-shared'

interface GetPolicy {
  policyName: string
  policyArn: string
  policyDocument: string
  defaultVersionId: string
  creationDate?: number
  lastModifiedDate?: number
}

interface PolicyVersion {
  versionId: string
  isDefaultVersion: boolean
  createDate?: number
}

const back: Back = { hash: '#/policies', label: '← All policies' }

export function renderPolicy(name: string): HTMLElement {
  const page = detailShell('policies policy-detail', back, name)
  void load(page, name)
  return page
}

async function load(page: HTMLElement, name: string): Promise<void> {
  const p = await fetchDetail(page, () => iot<GetPolicy>('GET', `/policies/${seg(name)}`))
  if (!p) return
  const status = statusLine()
  page.replaceChildren(
    backLink(back),
    detailHeading(p.policyName, `policy ${p.policyName}`, back, () => iot('DELETE', `/policies/${seg(p.policyName)}`)),
    status,
    h('div', { class: 'cols' }, facts(p), targetsCard(p.policyName, status)),
    new Versions(p, status).element,
  )
}

function facts(p: GetPolicy): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-label': 'Policy details' },
    h(
      'dl',
      { class: 'hob-facts' },
      h('dt', {}, 'ARN'),
      h('dd', {}, h('code', {}, p.policyArn)),
      h('dt', {}, 'Default version'),
      h('dd', { id: 'policy-default-version' }, p.defaultVersionId),
      h('dt', {}, 'Created'),
      h('dd', {}, when(p.creationDate)),
      h('dt', {}, 'Last modified'),
      h('dd', {}, when(p.lastModifiedDate)),
    ),
  )
}

// Versions lists the policy's versions and shows one's document; a form
// below creates a new version.
class Versions {
  readonly element: HTMLElement
  private body = h('div')
  private loadError = errorSlot()
  private viewer = h('div', { class: 'policy-viewer' })
  private editor: PolicyEditor
  private makeDefault = h('input', { type: 'checkbox', id: 'policy-version-default', checked: true })
  private submit = h('button', { type: 'submit' }, 'Create version')

  constructor(
    private readonly p: GetPolicy,
    private readonly status: HTMLElement,
  ) {
    this.editor = new PolicyEditor('policy-version-doc', 'Document of the new version', pretty(p.policyDocument))
    const form = h(
      'form',
      { novalidate: true, 'aria-labelledby': 'policy-new-version-title' },
      h('h3', { id: 'policy-new-version-title' }, 'Create a new version'),
      this.editor.element,
      h('div', { class: 'field check' }, this.makeDefault, h('label', { for: 'policy-version-default' }, 'Make it the default version')),
      this.submit,
    )
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      void this.create()
    })
    this.element = h(
      'section',
      { class: 'card', 'aria-labelledby': 'policy-versions-title' },
      h('h2', { id: 'policy-versions-title' }, 'Versions'),
      this.loadError.el,
      this.body,
      this.viewer,
      form,
    )
    void this.load(p.defaultVersionId)
  }

  private get path(): string {
    return `/policies/${seg(this.p.policyName)}/version`
  }

  // load lists the versions, then shows the document of version view.
  private async load(view?: string): Promise<void> {
    let versions: PolicyVersion[]
    try {
      versions = (await iot<{ policyVersions: PolicyVersion[] }>('GET', this.path)).policyVersions ?? []
      this.loadError.show(null)
    } catch (e) {
      this.loadError.show(text(e))
      return
    }
    versions.sort((a, b) => Number(b.versionId) - Number(a.versionId))
    const def = versions.find((v) => v.isDefaultVersion)?.versionId
    if (def) document.getElementById('policy-default-version')?.replaceChildren(def)
    const rows = versions.map((v) => this.versionRow(v))
    this.body.replaceChildren(table('Versions, newest first', ['Version', 'Default', 'Created', 'Actions'], rows, 'No versions.'))
    if (view) await this.view(view)
  }

  private versionRow(v: PolicyVersion): HTMLTableRowElement {
    const actions = h('div', { class: 'hob-actions' })
    const slot = errorSlot()
    const show = h('button', { type: 'button', class: 'small', 'aria-label': `View version ${v.versionId}` }, 'View')
    show.addEventListener('click', () => void this.view(v.versionId, true))
    actions.append(show)
    if (!v.isDefaultVersion) {
      const set = h('button', { type: 'button', class: 'small', 'aria-label': `Make version ${v.versionId} the default`, 'aria-describedby': slot.el.id }, 'Set as default')
      set.addEventListener('click', async () => {
        slot.show(null)
        set.disabled = true
        try {
          await iot('PATCH', `${this.path}/${seg(v.versionId)}`)
          say(this.status, `Version ${v.versionId} is now the default.`)
          await this.load(v.versionId)
        } catch (e) {
          slot.show(text(e))
          set.disabled = false
        }
      })
      actions.append(
        set,
        confirmDelete(`version ${v.versionId}`, async () => {
          await iot('DELETE', `${this.path}/${seg(v.versionId)}`)
          say(this.status, `Deleted version ${v.versionId}.`)
          await this.load()
        }),
      )
    }
    actions.append(slot.el)
    return row(
      v.versionId,
      v.isDefaultVersion ? h('span', { class: 'hob-badge ok' }, 'default') : '',
      when(v.createDate),
      actions,
    )
  }

  private async view(versionId: string, focus = false): Promise<void> {
    const title = h('h3', { tabindex: '-1' }, `Document of version ${versionId}`)
    try {
      const v = await iot<{ policyDocument: string; isDefaultVersion: boolean }>('GET', `${this.path}/${seg(versionId)}`)
      this.viewer.replaceChildren(
        title,
        h('pre', { class: 'policy-doc', 'aria-label': `Policy document, version ${versionId}` }, pretty(v.policyDocument)),
      )
    } catch (e) {
      this.viewer.replaceChildren(title, h('p', { class: 'error', role: 'alert' }, text(e)))
    }
    if (focus) title.focus()
  }

  private async create(): Promise<void> {
    const doc = this.editor.value()
    if (doc === null) return
    this.submit.disabled = true
    try {
      const out = await iot<{ policyVersionId: string }>(
        'POST',
        `${this.path}?setAsDefault=${this.makeDefault.checked}`,
        { policyDocument: doc },
      )
      say(this.status, `Created version ${out.policyVersionId}${this.makeDefault.checked ? ', now the default' : ''}.`)
      await this.load(out.policyVersionId)
    } catch (e) {
      // MalformedPolicyException and VersionsLimitExceededException are
      // both about what this form asks for.
      this.editor.serverError(text(e))
    } finally {
      this.submit.disabled = false
    }
  }
}

// targetsCard lists the certificates the policy is attached to
// (ListTargetsForPolicy), with Detach, and attaches it to one by ARN.
function targetsCard(name: string, status: HTMLElement): HTMLElement {
  const body = h('div')
  const loadError = errorSlot()
  const pager = new Pager('targets', async (marker) => {
    const q = new URLSearchParams({ pageSize: '25' })
    if (marker) q.set('marker', marker)
    const out = await iot<{ targets: string[]; nextMarker?: string }>('POST', `/policy-targets/${seg(name)}?${q}`)
    const rows = (out.targets ?? []).map((t) =>
      detachRow(
        certificateLink(t),
        `${name} from ${t}`,
        () => iot('POST', `/target-policies/${seg(name)}`, { target: t }),
        `Detached ${name} from ${t}.`,
        status,
        pager,
      ),
    )
    body.replaceChildren(table('Targets', ['Target', 'Actions'], rows, 'The policy is not attached to anything.'))
    return out.nextMarker
  }, loadError)
  const form = attachForm({
    id: 'policy-attach-target',
    label: 'Certificate ARN',
    control: h('input', { type: 'text', list: 'policy-target-certs', autocomplete: 'off', spellcheck: 'false' }),
    button: 'Attach',
    empty: 'Enter a certificate ARN.',
    hint: 'Pick one of the suggestions or paste an ARN.',
    extra: certificateChoices('policy-target-certs'),
    rowClass: 'row hob-inline',
    status,
    attach: async (t) => {
      await iot('PUT', `/target-policies/${seg(name)}`, { target: t })
      return `Attached ${name} to ${t}.`
    },
    after: () => pager.first(),
  })
  void pager.first()
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'policy-targets-title' },
    h('h2', { id: 'policy-targets-title' }, 'Targets'),
    loadError.el,
    body,
    pager.element,
    h('h3', {}, 'Attach to a certificate'),
    form,
  )
}
