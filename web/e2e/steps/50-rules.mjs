// Rules: invalid SQL is marked at the position hob's SqlParseException
// names (message, caret line and the token selected in the editor); a
// valid rule with a republish action is created; the dry run shows the
// SELECT output and what the action would do; a published message moves
// the rule's counters; disable and enable; the list shows the rule.
import { api, go, text } from './pages-b.mjs'

const goodSQL = "SELECT temperature, topic(2) AS device FROM 'elf/+/telemetry' WHERE temperature > 25"

export default async function rules({ page, shot, uniq, poll, log }) {
  const name = uniq('console_rule').replace(/-/g, '_')
  await go(page, '#/rules')
  await page.getByRole('heading', { level: 1, name: 'Rules' }).waitFor()
  await page.getByRole('button', { name: 'New rule' }).click()
  const form = page.getByRole('form', { name: 'New rule' })
  await form.getByLabel('Name', { exact: true }).fill(name)

  // Invalid SQL: the server's message, a caret under 'FROM' (column 21)
  // and FROM selected in the editor.
  const sql = form.getByLabel('SQL', { exact: true })
  const bad = "SELECT temperature, FROM 'elf/+/telemetry'"
  await sql.fill(bad)
  await form.getByRole('button', { name: 'Create rule' }).click()
  const sqlError = page.locator('#rule-sql-error')
  await sqlError.filter({ hasText: "Line 1:21: Expected an expression but found 'FROM'" }).waitFor()
  const caret = page.locator('#rule-sql-caret')
  await caret.waitFor()
  const [line, marks] = (await caret.textContent()).split('\n')
  if (line !== `1 | ${bad}` || marks.indexOf('^') !== '1 | '.length + 20 || marks.trim() !== '^^^^') {
    throw new Error(`the caret line is ${JSON.stringify([line, marks])}`)
  }
  const selected = await sql.evaluate((el) => [el.selectionStart, el.selectionEnd, document.activeElement === el])
  if (selected[0] !== 20 || selected[1] !== 24 || !selected[2]) throw new Error(`the SQL editor selects ${JSON.stringify(selected)}, want FROM (20-24) focused`)
  log(`invalid SQL marked: ${await text(sqlError)}`)
  await shot('rule-sql-error')

  // A valid rule with a republish action.
  await sql.fill(goodSQL)
  if (await caret.isVisible()) throw new Error('the caret line stays after the SQL changed')
  const actions = [{ republish: { roleArn: 'arn:aws:iam::123456789012:role/hob-rules', topic: 'alerts/${topic(2)}', qos: 1 } }]
  await form.getByLabel('Actions (JSON array)', { exact: true }).fill(JSON.stringify(actions, null, 2))
  await form.getByRole('button', { name: 'Create rule' }).click()
  await page.getByRole('heading', { level: 1, name: `Rule ${name}` }).waitFor()
  await page.locator('#rule-state').filter({ hasText: 'Enabled' }).waitFor()
  log(`rule ${name} created`)

  // Dry run: a cold reading does not fire, a hot one does.
  const dry = page.getByRole('form', { name: 'Dry run' })
  const topic = dry.getByLabel('Topic', { exact: true })
  if ((await topic.inputValue()) !== 'elf/x/telemetry') throw new Error(`the dry run's topic is ${await topic.inputValue()}`)
  await topic.fill('elf/dev7/telemetry')
  const payload = dry.getByLabel('Payload', { exact: true })
  await payload.fill('{"temperature": 20}')
  await dry.getByRole('button', { name: 'Dry run' }).click()
  await page.locator('#dry-fired').filter({ hasText: 'no' }).waitFor()
  await payload.fill('{"temperature": 31.5, "humidity": 40}')
  await dry.getByRole('button', { name: 'Dry run' }).click()
  await page.locator('#dry-fired').filter({ hasText: 'yes' }).waitFor()
  const output = JSON.parse(await page.locator('#dry-output').textContent())
  if (output.temperature !== 31.5 || output.device !== 'dev7' || 'humidity' in output) throw new Error(`the SELECT output is ${JSON.stringify(output)}`)
  await page.locator('#dry-actions').filter({ hasText: 'republish: Publish the output to topic alerts/${topic(2)} with QoS 1.' }).waitFor()
  log(`dry run: ${JSON.stringify(output)} → republish`)

  // A real message: the counters move.
  await api(page, 'POST', `/console/api/iotdata/topics/${encodeURIComponent('elf/dev7/telemetry')}?qos=1`, '{"temperature": 30}')
  const count = (k) => page.locator(`#rule-count-${k}`)
  await poll('the rule matched, fired and republished once', async () =>
    Number(await text(count('matched'))) >= 1 && Number(await text(count('fired'))) >= 1 && Number(await text(count('actionsSucceeded'))) >= 1,
  )
  await shot('rule-detail', { fullPage: true })

  // Disable, then enable again.
  await page.getByRole('button', { name: 'Disable rule' }).click()
  await page.locator('#rule-state').filter({ hasText: 'Disabled' }).waitFor()
  const got = await api(page, 'GET', `/console/api/iot/rules/${name}`)
  if (!got.body.rule.ruleDisabled) throw new Error('the rule is still enabled after Disable')
  await page.getByRole('button', { name: 'Enable rule' }).click()
  await page.locator('#rule-state').filter({ hasText: 'Enabled' }).waitFor()

  // The list shows it, enabled, with its counters.
  await go(page, '#/rules')
  const table = page.getByRole('table', { name: /^Topic rules/ })
  const row = table.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) })
  await row.filter({ hasText: 'Enabled' }).filter({ hasText: "elf/+/telemetry" }).waitFor()
  await poll('the list counts the match', async () => Number(await text(row.locator('td.num').first())) >= 1)
  await shot('rules')
}
