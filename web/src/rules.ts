// The rules page: #/rules lists the topic rules with their counters and
// creates new ones; #/rules/NAME is one rule (rules-detail.ts).
import './rules.css'
import { iot, ruleCounters, type RuleCounters } from './api'
import { h, whileShown } from './dom'
import { renderRule } from './rules-detail'
import { DryRunPanel } from './rules-dryrun'
import { RuleEditor } from './rules-editor'
import { createdTime, message, ruleHash, setRuleEnabled, stateBadge } from './rules-shared'

interface RuleListItem {
  ruleName: string
  topicPattern: string
  createdAt?: number
  ruleDisabled: boolean
}

// How often the counters are read while the page is shown.
const countersMs = 3000

// RuleRow is one rule's table row; its counter cells are updated in place.
class RuleRow {
  readonly element: HTMLTableRowElement
  private cells = {
    matched: h('td', { class: 'num' }, '–'),
    fired: h('td', { class: 'num' }, '–'),
    actions: h('td', { class: 'num' }, '–'),
    errors: h('td', { class: 'num' }, '–'),
  }
  private state = h('td')
  private toggle = h('button', { type: 'button', class: 'small' })

  constructor(
    private rule: RuleListItem,
    private readonly failed: (msg: string) => void,
  ) {
    this.toggle.addEventListener('click', () => void this.flip())
    this.element = h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('a', { href: ruleHash(rule.ruleName) }, rule.ruleName)),
      h('td', {}, h('code', {}, rule.topicPattern)),
      this.state,
      this.cells.matched,
      this.cells.fired,
      this.cells.actions,
      this.cells.errors,
      h('td', {}, createdTime(rule.createdAt)),
      h('td', {}, this.toggle),
    )
    this.showState()
  }

  private showState(): void {
    const d = this.rule.ruleDisabled
    this.state.replaceChildren(stateBadge(d))
    this.toggle.textContent = d ? 'Enable' : 'Disable'
    this.toggle.setAttribute('aria-label', `${d ? 'Enable' : 'Disable'} ${this.rule.ruleName}`)
  }

  private async flip(): Promise<void> {
    const enable = this.rule.ruleDisabled
    this.toggle.disabled = true
    try {
      await setRuleEnabled(this.rule.ruleName, enable)
      this.rule = { ...this.rule, ruleDisabled: !enable }
      this.showState()
    } catch (e) {
      this.failed(`${enable ? 'Enabling' : 'Disabling'} ${this.rule.ruleName} failed: ${message(e)}`)
    } finally {
      this.toggle.disabled = false
    }
  }

  counters(c: RuleCounters | undefined): void {
    const v = (n: number | undefined): string => (n === undefined ? '0' : String(n))
    this.cells.matched.textContent = v(c?.matched)
    this.cells.fired.textContent = v(c?.fired)
    this.cells.actions.textContent = `${v(c?.actionsSucceeded)} / ${v(c?.actionsFailed)}`
    this.cells.errors.textContent = v(c ? c.evalErrors + c.dropped : undefined)
  }
}

function renderList(): HTMLElement {
  const body = h('tbody', {}, h('tr', {}, h('td', { colspan: '9', class: 'hint' }, 'Loading…')))
  const listError = h('p', { class: 'error', role: 'alert', hidden: true })
  const countersError = h('p', { class: 'error', role: 'alert', hidden: true })
  const more = h('button', { type: 'button', class: 'small', hidden: true }, 'Show more rules')
  const newButton = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'rule-new' }, 'New rule')
  const newArea = h('div', { id: 'rule-new', class: 'rule-grid', hidden: true })
  const rows = new Map<string, RuleRow>()
  let latest: RuleCounters[] = []
  let next = ''
  const fail = (msg: string): void => {
    listError.textContent = msg
    listError.hidden = false
  }

  const load = async (): Promise<void> => {
    more.disabled = true
    try {
      const q = '/rules?maxResults=100' + (next ? '&nextToken=' + encodeURIComponent(next) : '')
      const r = await iot<{ rules?: RuleListItem[]; nextToken?: string }>('GET', q)
      if (!next) body.replaceChildren()
      for (const rule of r.rules ?? []) {
        const row = new RuleRow(rule, fail)
        rows.set(rule.ruleName, row)
        row.counters(latest.find((c) => c.ruleName === rule.ruleName))
        body.append(row.element)
      }
      if (!rows.size) body.replaceChildren(h('tr', {}, h('td', { colspan: '9', class: 'hint' }, 'No rules yet.')))
      next = r.nextToken ?? ''
      more.hidden = !next
    } catch (e) {
      fail(`Listing rules failed: ${message(e)}`)
    } finally {
      more.disabled = false
    }
  }
  more.addEventListener('click', () => void load())

  newButton.addEventListener('click', () => {
    const open = newArea.hidden
    newArea.hidden = !open
    newButton.setAttribute('aria-expanded', String(open))
    if (open && !newArea.firstChild) {
      const editor = new RuleEditor(null, (name) => (location.hash = ruleHash(name)))
      newArea.append(editor.element, new DryRunPanel(editor).element)
    }
    if (open) newArea.querySelector<HTMLInputElement>('#rule-name')?.focus()
  })

  const table = h(
    'table',
    { class: 'rule-table' },
    h('caption', {}, 'Topic rules, with their counters since hob started'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Name', 'Topic filter', 'State', 'Matched', 'Fired', 'Actions ok / failed', 'Errors', 'Created'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
        h('th', { scope: 'col' }, h('span', { class: 'rule-sr-only' }, 'Enable or disable')),
      ),
    ),
    body,
  )
  const root = h(
    'div',
    { class: 'rules' },
    h('div', { class: 'rule-title' }, h('h1', {}, 'Rules'), newButton),
    newArea,
    h('section', { class: 'card', 'aria-label': 'Topic rules' }, h('div', { class: 'rule-scroll' }, table), more, listError, countersError),
  )
  void load()
  whileShown(root, countersMs, async () => {
    try {
      latest = await ruleCounters()
      for (const [name, row] of rows) row.counters(latest.find((c) => c.ruleName === name))
      countersError.hidden = true
    } catch (e) {
      const text = `Counters unavailable: ${message(e)}`
      if (countersError.textContent !== text) countersError.textContent = text
      countersError.hidden = false
    }
  })
  return root
}

export function renderRules(params: string[]): HTMLElement {
  return params[0] ? renderRule(params[0]) : renderList()
}
