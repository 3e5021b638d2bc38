// One rule's page (#/rules/NAME): its state with enable, disable and
// delete, its counters (polled while shown), the editor and the dry run.
import { iot, ruleCounters } from './api'
import { h, whileShown } from './dom'
import { DryRunPanel } from './rules-dryrun'
import { RuleEditor, type TopicRule } from './rules-editor'
import { counterLabels, createdTime, message, setRuleEnabled, stateBadge } from './rules-shared'

const countersMs = 3000

// countersCard shows the rule's counters and keeps them current.
function countersCard(name: string): HTMLElement {
  const values = new Map(counterLabels.map(([k]) => [k, h('dd', { id: `rule-count-${k}` }, '–')]))
  const error = h('p', { class: 'error', role: 'alert', hidden: true })
  const card = h(
    'section',
    { class: 'card', 'aria-labelledby': 'rule-counters-title' },
    h('h2', { id: 'rule-counters-title' }, 'Counters since hob started'),
    h('dl', { class: 'rule-counters' }, ...counterLabels.flatMap(([k, label]) => [h('dt', {}, label), values.get(k)!])),
    error,
  )
  whileShown(card, countersMs, async () => {
    try {
      const c = (await ruleCounters()).find((r) => r.ruleName === name)
      for (const [k] of counterLabels) values.get(k)!.textContent = String(c?.[k] ?? 0)
      error.hidden = true
    } catch (e) {
      const text = `Counters unavailable: ${message(e)}`
      if (error.textContent !== text) error.textContent = text
      error.hidden = false
    }
  })
  return card
}

// RuleSummary is the rule's heading facts and its enable, disable and
// delete buttons.
class RuleSummary {
  readonly element: HTMLElement
  private state = h('span')
  private toggle = h('button', { type: 'button', id: 'rule-toggle' })
  private del = h('button', { type: 'button', class: 'rule-delete' }, 'Delete rule')
  private confirmBox = h('div', { class: 'rule-confirm', hidden: true, role: 'group', 'aria-labelledby': 'rule-confirm-text' })
  private status = h('p', { class: 'status', role: 'status' })
  private error = h('p', { class: 'error', role: 'alert', hidden: true })

  constructor(
    readonly arn: string,
    readonly rule: TopicRule,
  ) {
    this.toggle.addEventListener('click', () => void this.flip())
    this.del.addEventListener('click', () => this.askDelete())
    this.element = h(
      'section',
      { class: 'card', 'aria-label': 'Rule state' },
      h(
        'dl',
        { class: 'rule-dl' },
        h('dt', {}, 'State'),
        h('dd', { id: 'rule-state' }, this.state),
        h('dt', {}, 'ARN'),
        h('dd', {}, h('code', {}, arn)),
        h('dt', {}, 'Created'),
        h('dd', {}, createdTime(rule.createdAt)),
      ),
      h('div', { class: 'rule-buttons' }, this.toggle, this.del),
      this.confirmBox,
      this.status,
      this.error,
    )
    this.showState()
  }

  private showState(): void {
    this.state.replaceChildren(stateBadge(this.rule.ruleDisabled))
    this.toggle.textContent = this.rule.ruleDisabled ? 'Enable rule' : 'Disable rule'
  }

  private async flip(): Promise<void> {
    const enable = this.rule.ruleDisabled
    this.error.hidden = true
    this.toggle.disabled = true
    try {
      await setRuleEnabled(this.rule.ruleName, enable)
      this.rule.ruleDisabled = !enable
      this.showState()
      this.status.textContent = enable ? 'Enabled.' : 'Disabled.'
    } catch (e) {
      this.error.textContent = message(e)
      this.error.hidden = false
    } finally {
      this.toggle.disabled = false
    }
  }

  private askDelete(): void {
    const yes = h('button', { type: 'button', class: 'rule-danger' }, 'Delete')
    const no = h('button', { type: 'button', class: 'small' }, 'Cancel')
    const err = h('p', { class: 'error', role: 'alert', hidden: true })
    const close = (): void => {
      this.confirmBox.hidden = true
      this.confirmBox.replaceChildren()
      this.del.focus()
    }
    no.addEventListener('click', close)
    yes.addEventListener('click', async () => {
      yes.disabled = true
      try {
        await iot('DELETE', '/rules/' + encodeURIComponent(this.rule.ruleName))
        location.hash = '#/rules'
      } catch (e) {
        yes.disabled = false
        err.textContent = message(e)
        err.hidden = false
      }
    })
    this.confirmBox.replaceChildren(
      h('p', { id: 'rule-confirm-text' }, `Delete the rule ${this.rule.ruleName}? It stops at once and cannot be restored.`),
      h('div', { class: 'rule-buttons' }, yes, no),
      err,
    )
    this.confirmBox.hidden = false
    no.focus()
  }
}

export function renderRule(name: string): HTMLElement {
  const body = h('div', {}, h('p', { class: 'status', role: 'status' }, 'Loading…'))
  const root = h(
    'div',
    { class: 'rules' },
    h('p', {}, h('a', { href: '#/rules' }, '← All rules')),
    h('h1', {}, 'Rule ', h('code', {}, name)),
    body,
  )
  void (async () => {
    try {
      const r = await iot<{ ruleArn: string; rule: TopicRule }>('GET', '/rules/' + encodeURIComponent(name))
      const summary = new RuleSummary(r.ruleArn, r.rule)
      const editor = new RuleEditor(r.rule, () => undefined, () => summary.rule.ruleDisabled)
      body.replaceChildren(
        h('div', { class: 'rule-top' }, summary.element, countersCard(name)),
        h('div', { class: 'rule-grid' }, editor.element, new DryRunPanel(editor).element),
      )
    } catch (e) {
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Reading the rule failed: ${message(e)}`))
    }
  })()
  return root
}
