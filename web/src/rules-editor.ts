// The rule editor: name, description, SQL (with parse errors marked at
// their position), SQL version, actions and error action as JSON, with
// action templates. It creates (POST /rules/NAME) or replaces (PATCH
// /rules/NAME) a rule; the dry-run panel reads its current values.
import { ApiError, iot } from './api'
import { field, h, showError } from './dom'
import { actionTemplates } from './rules-actions'
import { locateSqlError } from './rules-sql'

// TopicRule is GetTopicRule's rule.
export interface TopicRule {
  ruleName: string
  sql: string
  description?: string
  createdAt?: number | string
  actions: unknown[]
  ruleDisabled: boolean
  awsIotSqlVersion: string
  errorAction?: unknown
}

// RuleParts are the editor's SQL and actions, for a dry run.
export interface RuleParts {
  sql: string
  awsIotSqlVersion: string
  actions: unknown[]
}

const ids = ['rule-name', 'rule-description', 'rule-sql', 'rule-version', 'rule-actions', 'rule-error-action', 'rule-save']

export const ruleNamePattern = /^[a-zA-Z0-9_]+$/

export class RuleEditor {
  readonly element: HTMLFormElement
  private name = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '128' })
  private description = h('input', { type: 'text', autocomplete: 'off' })
  private sql = h('textarea', { rows: '4', spellcheck: 'false', autocapitalize: 'off' })
  private caret = h('pre', { class: 'rule-caret', id: 'rule-sql-caret', hidden: true, 'aria-hidden': 'true' })
  private version = h('select', {}, ...['2016-03-23', '2015-10-08', 'beta'].map((v) => h('option', { value: v }, v)))
  private actions = h('textarea', { rows: '10', spellcheck: 'false' })
  private errorAction = h('textarea', { rows: '3', spellcheck: 'false', placeholder: '(none)' })
  private template = h('select', {}, ...actionTemplates.map((t) => h('option', { value: t.key }, t.label)))
  private save = h('button', { type: 'submit', id: 'rule-save', 'aria-describedby': 'rule-save-error' }, 'Create rule')
  private saveError = h('p', { id: 'rule-save-error', class: 'error', role: 'alert', hidden: true })
  private saveStatus = h('p', { class: 'status', role: 'status' })

  // rule is the rule being edited (null to create one); disabled answers
  // its current state, which a replace keeps.
  constructor(
    private readonly rule: TopicRule | null,
    private readonly saved: (name: string) => void,
    private readonly disabled: () => boolean = () => false,
  ) {
    this.sql.value = rule?.sql ?? "SELECT temperature, topic(2) AS device FROM 'elf/+/telemetry' WHERE temperature > 25"
    this.version.value = rule?.awsIotSqlVersion || '2016-03-23'
    this.description.value = rule?.description ?? ''
    this.actions.value = JSON.stringify(rule?.actions ?? [actionTemplates[0].action], null, 2)
    this.errorAction.value = rule?.errorAction ? JSON.stringify(rule.errorAction, null, 2) : ''
    if (rule) this.save.textContent = 'Save changes'
    const add = h('button', { type: 'button', class: 'small' }, 'Add action')
    add.addEventListener('click', () => this.addTemplate())
    this.sql.addEventListener('input', () => this.markSql(null))
    this.actions.addEventListener('input', () => showError('rule-actions', null))
    this.element = h(
      'form',
      { class: 'card rule-editor', 'aria-labelledby': 'rule-editor-title', novalidate: true },
      h('h2', { id: 'rule-editor-title' }, rule ? 'Edit the rule' : 'New rule'),
      h(
        'div',
        { class: 'row' },
        rule ? null : field('rule-name', 'Name', this.name, 'Letters, digits and _.'),
        field('rule-description', 'Description', this.description),
        field('rule-version', 'AWS IoT SQL version', this.version),
      ),
      field('rule-sql', 'SQL', this.sql, "SELECT … FROM 'topic/filter' WHERE …"),
      this.caret,
      field('rule-actions', 'Actions (JSON array)', this.actions),
      h('div', { class: 'row' }, field('rule-template', 'Action template', this.template), add),
      field('rule-error-action', 'Error action (JSON object, optional)', this.errorAction),
      h('div', { class: 'row' }, this.save),
      this.saveError,
      this.saveStatus,
    )
    this.element.addEventListener('submit', (ev) => {
      ev.preventDefault()
      void this.submit()
    })
  }

  private addTemplate(): void {
    const t = actionTemplates.find((x) => x.key === this.template.value)
    if (!t) return
    let list: unknown[] = []
    try {
      const cur: unknown = JSON.parse(this.actions.value || '[]')
      if (Array.isArray(cur)) list = cur
    } catch {
      // Not JSON yet: start the list afresh with the template.
    }
    list.push(t.action)
    this.actions.value = JSON.stringify(list, null, 2)
    showError('rule-actions', null)
    this.actions.focus()
  }

  get sqlText(): string {
    return this.sql.value
  }

  // onSqlInput calls f whenever the user edits the SQL.
  onSqlInput(f: () => void): void {
    this.sql.addEventListener('input', f)
  }

  // parts reads the SQL and actions, marking bad JSON at its field; null
  // when something is wrong.
  parts(): RuleParts | null {
    showError('rule-actions', null)
    let actions: unknown
    try {
      actions = JSON.parse(this.actions.value || '[]')
    } catch (e) {
      showError('rule-actions', `The actions are not valid JSON: ${(e as Error).message}`)
      return null
    }
    if (!Array.isArray(actions)) {
      showError('rule-actions', 'The actions must be a JSON array of action objects, for example [{"republish": {…}}].')
      return null
    }
    return { sql: this.sql.value, awsIotSqlVersion: this.version.value, actions }
  }

  private payload(): Record<string, unknown> | null {
    const parts = this.parts()
    if (!parts) return null
    const p: Record<string, unknown> = { ...parts, description: this.description.value, ruleDisabled: this.disabled() }
    const ea = this.errorAction.value.trim()
    if (ea) {
      try {
        p.errorAction = JSON.parse(ea)
      } catch (e) {
        showError('rule-error-action', `The error action is not valid JSON: ${(e as Error).message}`)
        return null
      }
    }
    return p
  }

  private async submit(): Promise<void> {
    for (const id of ids) showError(id, null)
    this.markSql(null)
    this.saveStatus.textContent = ''
    const name = this.rule ? this.rule.ruleName : this.name.value.trim()
    if (!name) {
      showError('rule-name', 'Enter a name for the rule.')
      this.name.focus()
      return
    }
    const payload = this.payload()
    if (!payload) return
    this.save.disabled = true
    try {
      await iot(this.rule ? 'PATCH' : 'POST', '/rules/' + encodeURIComponent(name), payload)
      this.saveStatus.textContent = this.rule ? 'Saved.' : `Created ${name}.`
      this.saved(name)
    } catch (e) {
      this.showServerError(e)
    } finally {
      this.save.disabled = false
    }
  }

  // showServerError puts the server's message next to the field it is
  // about: SQL errors at their position, then by the member it names.
  showServerError(e: unknown, fallbackId = 'rule-save'): void {
    const msg = e instanceof ApiError || e instanceof Error ? e.message : String(e)
    const type = e instanceof ApiError ? e.type : ''
    let id = fallbackId
    if (this.markSql(msg)) return
    if (/awsIotSqlVersion/.test(msg)) id = 'rule-version'
    else if (/errorAction/.test(msg)) id = 'rule-error-action'
    else if (/\bactions?\b/i.test(msg)) id = 'rule-actions'
    else if (!this.rule && (/ruleName|rule name/i.test(msg) || type.startsWith('ResourceAlreadyExists'))) id = 'rule-name'
    else if (/description/.test(msg)) id = 'rule-description'
    else if (type.startsWith('SqlParseException') || /\bsql\b/.test(msg)) id = 'rule-sql'
    showError(id, msg)
    document.getElementById(id)?.focus()
  }

  // markSql shows a SQL error (or clears it with null): the message next
  // to the SQL, a caret line under the offending token, and the token
  // selected in the editor. It answers whether the message had a position.
  markSql(msg: string | null): boolean {
    if (!msg) {
      showError('rule-sql', null)
      this.caret.hidden = true
      return false
    }
    const spot = locateSqlError(this.sql.value, msg)
    if (!spot) return false
    showError('rule-sql', msg)
    const gutter = `${spot.line} | `
    this.caret.textContent = `${gutter}${spot.lineText}\n${' '.repeat(gutter.length)}${spot.caret}`
    this.caret.hidden = false
    this.sql.focus()
    this.sql.setSelectionRange(spot.start, spot.end)
    return true
  }
}
