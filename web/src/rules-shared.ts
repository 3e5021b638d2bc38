// Small pieces the rules list and the rule page share.
import { ApiError, iot, type RuleCounters } from './api'
import { h } from './dom'

export function message(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e)
}

export function ruleHash(name: string): string {
  return '#/rules/' + encodeURIComponent(name)
}

// createdTime formats the API's createdAt (epoch seconds).
export function createdTime(v: number | string | undefined): HTMLElement | string {
  if (v === undefined) return '–'
  const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v)
  return Number.isNaN(d.getTime()) ? String(v) : h('time', { datetime: d.toISOString() }, d.toLocaleString())
}

// setRuleEnabled is EnableTopicRule or DisableTopicRule.
export function setRuleEnabled(name: string, enabled: boolean): Promise<unknown> {
  return iot('POST', `/rules/${encodeURIComponent(name)}/${enabled ? 'enable' : 'disable'}`)
}

export function stateBadge(disabled: boolean): HTMLElement {
  return h('span', { class: `rule-state ${disabled ? 'rule-off' : 'rule-on'}` }, disabled ? 'Disabled' : 'Enabled')
}

// counterLabels names RuleCounters' fields, in display order.
export const counterLabels: [keyof Omit<RuleCounters, 'ruleName'>, string][] = [
  ['matched', 'Matched'],
  ['fired', 'Fired'],
  ['actionsSucceeded', 'Actions succeeded'],
  ['actionsFailed', 'Actions failed'],
  ['evalErrors', 'Evaluation errors'],
  ['dropped', 'Dropped'],
  ['errorActionsSucceeded', 'Error actions succeeded'],
  ['errorActionsFailed', 'Error actions failed'],
]
