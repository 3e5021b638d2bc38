// A thing's page (#/things/NAME): its facts, attributes (UpdateThing),
// attached certificates (attach and detach by ARN) and shadows.
import { ApiError, iot, iotdata } from './api'
import { h } from './dom'
import {
  attachForm,
  type Back,
  backLink,
  detailShell,
  detailHeading,
  detachRow,
  fetchDetail,
  AttributeRows,
  certificateChoices,
  certificateLink,
  errorSlot,
  iotPrincipal,
  Pager,
  say,
  seg,
  statusLine,
  table,
  text,
} from './things-shared'

interface DescribeThing {
  thingName: string
  thingArn: string
  thingId: string
  thingTypeName?: string
  defaultClientId: string
  attributes?: Record<string, string>
  version: number
}

const back: Back = { hash: '#/things', label: '← All things' }

export function renderThing(name: string): HTMLElement {
  const page = detailShell('things thing-detail', back, name)
  void load(page, name)
  return page
}

async function load(page: HTMLElement, name: string): Promise<void> {
  const thing = await fetchDetail(page, () => iot<DescribeThing>('GET', `/things/${seg(name)}`))
  if (!thing) return
  const status = statusLine()
  page.replaceChildren(
    backLink(back),
    detailHeading(thing.thingName, `thing ${thing.thingName}`, back, () => iot('DELETE', `/things/${seg(thing.thingName)}`)),
    status,
    h('div', { class: 'cols' }, facts(thing), shadowsCard(thing.thingName)),
    h('div', { class: 'cols' }, attributesCard(thing, status), principalsCard(thing, status)),
  )
}

function facts(t: DescribeThing): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-label': 'Thing details' },
    h(
      'dl',
      { class: 'hob-facts' },
      h('dt', {}, 'ARN'),
      h('dd', {}, h('code', {}, t.thingArn)),
      h('dt', {}, 'Thing type'),
      h('dd', {}, t.thingTypeName ?? 'none'),
      h('dt', {}, 'Default client id'),
      h('dd', {}, h('code', {}, t.defaultClientId)),
      h('dt', {}, 'Version'),
      h('dd', { id: 'thing-version' }, String(t.version)),
    ),
  )
}

// attributesCard edits the attributes: Save replaces them all
// (UpdateThing, merge false) if the thing is still at the version shown.
function attributesCard(t: DescribeThing, status: HTMLElement): HTMLElement {
  let version = t.version
  const card = h('section', { class: 'card', 'aria-labelledby': 'thing-attrs-title' })
  const draw = (attrs: Record<string, string>): void => {
    const rows = new AttributeRows('thing-attr', 'Attributes', attrs)
    const save = h('button', { type: 'submit' }, 'Save attributes')
    const slot = errorSlot(save)
    const form = h('form', { novalidate: true }, rows.element, h('div', { class: 'hob-actions' }, save, slot.el))
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      slot.show(null)
      const attributes = rows.values()
      if (typeof attributes === 'string') {
        slot.show(attributes)
        return
      }
      save.disabled = true
      try {
        await iot('PATCH', `/things/${seg(t.thingName)}`, {
          attributePayload: { attributes, merge: false },
          expectedVersion: version,
        })
        const fresh = await iot<DescribeThing>('GET', `/things/${seg(t.thingName)}`)
        version = fresh.version
        document.getElementById('thing-version')?.replaceChildren(String(version))
        say(status, `Saved the attributes of ${t.thingName} (version ${version}).`)
        draw(fresh.attributes ?? {})
      } catch (e) {
        slot.show(text(e))
      } finally {
        save.disabled = false
      }
    })
    card.replaceChildren(
      h('h2', { id: 'thing-attrs-title' }, 'Attributes'),
      h('p', { class: 'hint' }, 'Save replaces all attributes; a removed row removes its attribute.'),
      form,
    )
  }
  draw(t.attributes ?? {})
  return card
}

// principalsCard lists the certificates attached to the thing, with
// Detach, and attaches one by ARN.
function principalsCard(t: DescribeThing, status: HTMLElement): HTMLElement {
  const body = h('div')
  const loadError = errorSlot()
  const pager = new Pager('certificates', async (token) => {
    const q = new URLSearchParams({ maxResults: '25' })
    if (token) q.set('nextToken', token)
    const out = await iot<{ principals: string[]; nextToken?: string }>(
      'GET',
      `/things/${seg(t.thingName)}/principals?${q}`,
    )
    const rows = (out.principals ?? []).map((p) =>
      detachRow(
        certificateLink(p),
        `${p} from ${t.thingName}`,
        () => iotPrincipal('DELETE', `/things/${seg(t.thingName)}/principals`, p),
        `Detached ${p} from ${t.thingName}.`,
        status,
        pager,
      ),
    )
    body.replaceChildren(table('Attached certificates', ['Certificate', 'Actions'], rows, 'No certificate is attached.'))
    return out.nextToken
  }, loadError)
  const form = attachForm({
    id: 'thing-attach-arn',
    label: 'Certificate ARN',
    control: h('input', { type: 'text', list: 'thing-cert-choices', autocomplete: 'off', spellcheck: 'false' }),
    button: 'Attach',
    empty: 'Enter a certificate ARN.',
    hint: 'Pick one of the suggestions or paste an ARN.',
    extra: certificateChoices('thing-cert-choices'),
    rowClass: 'row hob-inline',
    status,
    attach: async (principal) => {
      await iotPrincipal('PUT', `/things/${seg(t.thingName)}/principals`, principal)
      return `Attached ${principal} to ${t.thingName}.`
    },
    after: () => pager.first(),
  })
  void pager.first()
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'thing-principals-title' },
    h('h2', { id: 'thing-principals-title' }, 'Certificates'),
    loadError.el,
    body,
    pager.element,
    h('h3', {}, 'Attach a certificate'),
    form,
  )
}

// shadowsCard links to the thing's classic shadow and its named shadows
// on the shadows page.
function shadowsCard(thing: string): HTMLElement {
  const list = h('ul', { class: 'thing-shadows', 'aria-label': 'Shadows' }, h('li', { class: 'hint' }, 'Loading…'))
  const card = h(
    'section',
    { class: 'card', 'aria-labelledby': 'thing-shadows-title' },
    h('h2', { id: 'thing-shadows-title' }, 'Shadows'),
    list,
  )
  void (async () => {
    const items: HTMLElement[] = []
    const classic = h('li', {}, h('a', { href: `#/shadows/${seg(thing)}` }, 'Classic shadow'))
    try {
      await iotdata('GET', `/things/${seg(thing)}/shadow`)
    } catch (e) {
      const none = e instanceof ApiError && e.status === 404
      classic.append(' ', h('span', { class: 'hint' }, none ? '(not created yet)' : `(${text(e)})`))
    }
    items.push(classic)
    try {
      let token = ''
      // Up to 10 pages of 100 names; a thing rarely has more.
      for (let i = 0; i < 10; i++) {
        const q = new URLSearchParams({ pageSize: '100' })
        if (token) q.set('nextToken', token)
        const out = await iotdata<{ results: string[]; nextToken?: string }>(
          'GET',
          `/api/things/shadow/ListNamedShadowsForThing/${seg(thing)}?${q}`,
        )
        for (const n of out.results ?? []) {
          items.push(h('li', {}, h('a', { href: `#/shadows/${seg(thing)}/${seg(n)}` }, `Named shadow ${n}`)))
        }
        if (!out.nextToken) break
        token = out.nextToken
      }
      if (items.length === 1) items.push(h('li', { class: 'hint' }, 'No named shadows.'))
    } catch (e) {
      items.push(h('li', { class: 'error', role: 'alert' }, text(e)))
    }
    list.replaceChildren(...items)
  })()
  return card
}
