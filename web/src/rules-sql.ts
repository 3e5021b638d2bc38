// Where a SqlParseException points in the rule's SQL. hob's parser answers
// "Line L:C: message" (internal/rules/sql/errors.go): lines and columns
// count from 1, and the column counts characters (code points), not
// bytes. A textarea counts UTF-16 code units, so the position is
// converted here.

export interface SqlErrorSpot {
  line: number // 1-based
  col: number // 1-based, in code points
  start: number // UTF-16 offsets into the SQL, for setSelectionRange
  end: number
  lineText: string
  caret: string // spaces (tabs kept) up to the column, then ^ under the token
}

const positionRe = /^Line (\d+):(\d+): /

// sqlErrorPosition reads "Line L:C: ..." at the start of message.
export function sqlErrorPosition(message: string): { line: number; col: number } | null {
  const m = positionRe.exec(message)
  return m ? { line: Number(m[1]), col: Number(m[2]) } : null
}

// candidates are the texts the message quotes ('FROM', string 'x',
// number 5, Invalid number '5x'), longest first: one of them is usually
// the offending token.
function candidates(message: string): string[] {
  const out: string[] = []
  for (const m of message.matchAll(/'([^']*)'/g)) out.push(m[0], m[1])
  for (const m of message.matchAll(/\bnumber (\S+)/g)) out.push(m[1])
  return out.filter((s) => s.length > 0).sort((a, b) => b.length - a.length)
}

// tokenLength guesses how many code points the offending token spans in
// rest (the line from the error's column on).
function tokenLength(rest: string[], message: string): number {
  if (rest.length === 0) return 1
  const text = rest.join('')
  for (const c of candidates(message)) {
    if (text.toLowerCase().startsWith(c.toLowerCase())) return [...c].length
  }
  const word = /^[\p{L}\p{N}_$@]+/u.exec(text)
  return word ? [...word[0]].length : 1
}

// locateSqlError maps message's position onto sql, or null when the
// message has none or it lies outside the text.
export function locateSqlError(sql: string, message: string): SqlErrorSpot | null {
  const pos = sqlErrorPosition(message)
  if (!pos) return null
  const lines = sql.split('\n')
  if (pos.line < 1 || pos.line > lines.length) return null
  const chars = [...lines[pos.line - 1]]
  const col = Math.min(Math.max(pos.col, 1), chars.length + 1)
  const before = chars.slice(0, col - 1)
  const len = tokenLength(chars.slice(col - 1), message)
  let start = 0
  for (let i = 0; i < pos.line - 1; i++) start += lines[i].length + 1
  start += before.join('').length
  const end = start + chars.slice(col - 1, col - 1 + len).join('').length
  const pad = before.map((c) => (c === '\t' ? '\t' : ' ')).join('')
  return { line: pos.line, col: pos.col, start, end, lineText: chars.join(''), caret: pad + '^'.repeat(len) }
}

// sampleTopic reads the FROM topic filter of a rule's SQL, for the dry
// run's default topic ('a/+/b' gives a/x/b), or '' when there is none.
export function sampleTopic(sql: string): string {
  const m = /\bFROM\s+(?:'([^']*)'|"([^"]*)"|([^\s']+))/i.exec(sql)
  const filter = m ? (m[1] ?? m[2] ?? m[3] ?? '') : ''
  return filter
    .split('/')
    .map((level) => (level === '+' || level === '#' ? 'x' : level))
    .join('/')
}
