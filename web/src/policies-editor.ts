// A policy document editor: a monospace textarea that says, as the user
// types, where the JSON is broken (line and column), and shows the
// server's MalformedPolicyException beside the same field.
import { ApiError, iot } from './api'
import { field, h, showError } from './dom'
import { accountPrefix, button } from './things-shared'

// jsonProblem answers "Line L, column C: reason" for text that is not
// JSON, or null when it parses.
export function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text)
    return null
  } catch (e) {
    return describeParseError(text, e instanceof Error ? e.message : String(e))
  }
}

// describeParseError words a JSON.parse message (V8's "… in JSON at
// position N (line L column C)", Firefox's "… at line L column C of the
// JSON data") with the line and column first.
function describeParseError(text: string, message: string): string {
  let line = 0
  let column = 0
  const lc = /line (\d+) column (\d+)/i.exec(message)
  const pos = /position (\d+)/i.exec(message)
  if (lc) {
    line = Number(lc[1])
    column = Number(lc[2])
  } else {
    const at = pos ? Number(pos[1]) : /end of (JSON )?(input|data)/i.test(message) ? text.length : -1
    if (at >= 0) [line, column] = lineColumn(text, at)
  }
  const reason = message
    .replace(/^JSON\.parse: /, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/ at line \d+ column \d+ of the JSON data$/, '')
    .replace(/ \(line \d+ column \d+\)$/, '')
  const what = reason.charAt(0).toUpperCase() + reason.slice(1)
  return line > 0 ? `Line ${line}, column ${column}: ${what}.` : `${what}.`
}

function lineColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return [line, offset - before.lastIndexOf('\n')]
}

// isMalformed tells a policy document hob refused (MalformedPolicyException)
// from other failures.
export function isMalformed(e: unknown): boolean {
  return e instanceof ApiError && e.type.startsWith('MalformedPolicyException')
}

// pretty indents a policy document for reading; text that does not parse
// is returned as it is.
export function pretty(doc: string): string {
  try {
    return JSON.stringify(JSON.parse(doc), null, 2)
  } catch {
    return doc
  }
}

// PolicyEditor is the document field: its textarea, live JSON checking,
// a Format button and the error slot for the server's message.
export class PolicyEditor {
  readonly element: HTMLElement
  readonly textarea: HTMLTextAreaElement

  constructor(
    private readonly id: string,
    label: string,
    initial: string,
  ) {
    this.textarea = h('textarea', { rows: '12', spellcheck: 'false', autocomplete: 'off', class: 'policy-json' })
    this.textarea.value = initial
    this.textarea.addEventListener('input', () => this.check())
    const format = button('Format JSON', () => {
      if (this.check()) this.textarea.value = pretty(this.textarea.value)
    }, { class: 'small' })
    const f = field(id, label, this.textarea, 'JSON: Version and Statement, each statement with Effect, Action and Resource.')
    // The message goes right under the text, above the hint.
    const err = f.querySelector(`[id="${id}-error"]`)
    if (err) this.textarea.after(err)
    this.element = h('div', { class: 'policy-editor' }, f, format)
  }

  // check shows the JSON problem, if any, and answers whether there is
  // none.
  check(): boolean {
    const problem = this.textarea.value.trim() ? jsonProblem(this.textarea.value) : 'Enter a policy document.'
    showError(this.id, problem)
    return problem === null
  }

  // value answers the document to send, or null (after showing why) when
  // it does not parse.
  value(): string | null {
    if (!this.check()) {
      this.textarea.focus()
      return null
    }
    return this.textarea.value
  }

  // serverError shows the server's message beside the field.
  serverError(message: string): void {
    showError(this.id, message)
    this.textarea.focus()
  }
}

let prefix: Promise<string> | null = null

// accountARNPrefix finds "arn:aws:iot:REGION:ACCOUNT:" from any resource
// hob lists (a certificate, policy or thing); '' when there is none yet.
export function accountARNPrefix(): Promise<string> {
  prefix ??= (async () => {
    const probes: [string, (o: Record<string, { [k: string]: string }[]>) => string | undefined][] = [
      ['/certificates?pageSize=1', (o) => o.certificates?.[0]?.certificateArn],
      ['/policies?pageSize=1', (o) => o.policies?.[0]?.policyArn],
      ['/things?maxResults=1', (o) => o.things?.[0]?.thingArn],
    ]
    for (const [path, pick] of probes) {
      try {
        const arn = pick(await iot('GET', path))
        if (arn) return accountPrefix(arn)
      } catch {
        // Try the next listing.
      }
    }
    prefix = null // nothing yet: ask again next time
    return ''
  })()
  return prefix
}

// starterPolicy is a document allowing a device to connect with the
// client id of its thing name and use topics under its client id.
export function starterPolicy(p: string): string {
  const arn = p || 'arn:aws:iot:*:*:'
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}client/\${iot:ClientId}` },
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: `${arn}topic/\${iot:ClientId}/*` },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${arn}topicfilter/\${iot:ClientId}/*` },
      ],
    },
    null,
    2,
  )
}
