// The dry-run panel: evaluate the editor's SQL and actions against a
// sample message (POST /hob/rules/dry-run, internal/api/rulesdryrun.go)
// and show the SELECT output and what each action would do. Nothing runs.
import { ApiError, iot } from './api'
import { field, h, showError } from './dom'
import { describeAction } from './rules-actions'
import type { RuleEditor } from './rules-editor'
import { sampleTopic } from './rules-sql'

interface DryRunAnswer {
  matched: boolean
  fired: boolean
  output?: unknown
  outputBase64?: string
  actions: string[]
}

function message(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e)
}

// outputText shows the output as pretty JSON, or as text, or as base64
// when it is not UTF-8.
function outputText(a: DryRunAnswer): string {
  if (a.output !== undefined) return JSON.stringify(a.output, null, 2)
  if (!a.outputBase64) return '(empty)'
  const bytes = Uint8Array.from(atob(a.outputBase64), (c) => c.charCodeAt(0))
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return `(binary, base64) ${a.outputBase64}`
  }
}

export class DryRunPanel {
  readonly element: HTMLElement
  private topic = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' })
  private payload = h('textarea', { rows: '5', spellcheck: 'false' })
  private run = h('button', { type: 'submit', id: 'dry-run', 'aria-describedby': 'dry-run-error' }, 'Dry run')
  private runError = h('p', { id: 'dry-run-error', class: 'error', role: 'alert', hidden: true })
  private result = h('div', { class: 'rule-dry-result', id: 'dry-result', 'aria-live': 'polite' })
  private topicTouched = false

  constructor(private readonly editor: RuleEditor) {
    this.topic.value = sampleTopic(editor.sqlText)
    this.payload.value = JSON.stringify({ temperature: 30 }, null, 2)
    this.topic.addEventListener('input', () => (this.topicTouched = true))
    editor.onSqlInput(() => {
      if (!this.topicTouched) this.topic.value = sampleTopic(editor.sqlText)
    })
    const form = h(
      'form',
      { class: 'card', 'aria-labelledby': 'dry-title', novalidate: true },
      h('h2', { id: 'dry-title' }, 'Dry run'),
      h('p', { class: 'hint' }, 'Evaluates the SQL and actions in the editor against a sample message. No action runs.'),
      field('dry-topic', 'Topic', this.topic),
      field('dry-payload', 'Payload', this.payload, 'JSON, or any text (sent as it is).'),
      h('div', { class: 'row' }, this.run),
      this.runError,
      this.result,
    )
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      void this.dryRun()
    })
    this.element = form
  }

  private async dryRun(): Promise<void> {
    for (const id of ['dry-topic', 'dry-payload', 'dry-run']) showError(id, null)
    this.editor.markSql(null)
    const parts = this.editor.parts()
    if (!parts) {
      showError('dry-run', 'Fix the actions in the editor first.')
      return
    }
    const topic = this.topic.value.trim()
    if (!topic) {
      showError('dry-topic', 'Enter the topic the sample message arrives on.')
      this.topic.focus()
      return
    }
    let payload: unknown = this.payload.value
    try {
      payload = JSON.parse(this.payload.value)
    } catch {
      // Not JSON: the text itself is the payload (a JSON string is sent
      // as its text).
    }
    this.run.disabled = true
    try {
      const a = await iot<DryRunAnswer>('POST', '/hob/rules/dry-run', { ...parts, topic, payload })
      this.show(a, parts.actions)
    } catch (e) {
      this.result.replaceChildren()
      this.showError(e)
    } finally {
      this.run.disabled = false
    }
  }

  private showError(e: unknown): void {
    const msg = message(e)
    if (this.editor.markSql(msg)) {
      showError('dry-run', 'The SQL does not parse: see the mark in the SQL above.')
      return
    }
    if (/payload/i.test(msg)) {
      showError('dry-payload', msg)
      return
    }
    this.editor.showServerError(e, 'dry-run')
  }

  private show(a: DryRunAnswer, actions: unknown[]): void {
    const yes = (b: boolean): string => (b ? 'yes' : 'no')
    const items = a.actions.map((key, i) => h('li', {}, h('code', {}, key), ': ', describeAction(key, actions[i])))
    let why = ''
    if (!a.matched) why = 'The FROM topic filter does not match this topic, so the rule would not see the message.'
    else if (!a.fired) why = 'The WHERE clause does not hold for this message, so no action would run.'
    else if (!items.length) why = 'The rule has no actions.'
    const parts: (Node | null)[] = [
      h('h3', {}, 'Result'),
      h(
        'dl',
        { class: 'rule-dl' },
        h('dt', {}, 'FROM matches the topic'),
        h('dd', { id: 'dry-matched' }, yes(a.matched)),
        h('dt', {}, 'WHERE holds'),
        h('dd', { id: 'dry-fired' }, yes(a.fired)),
      ),
      a.fired ? h('h4', {}, 'SELECT output') : null,
      a.fired ? h('pre', { class: 'rule-json', id: 'dry-output' }, outputText(a)) : null,
      why ? h('p', { class: 'hint' }, why) : null,
      items.length ? h('h4', {}, 'Actions that would run') : null,
      items.length ? h('ol', { id: 'dry-actions' }, ...items) : null,
    ]
    this.result.replaceChildren(...parts.filter((p): p is Node => p !== null))
  }
}
