// Shadows: a new thing's classic shadow gets a reported state through the
// data-plane API (the page shows it through its live update/documents
// subscription); bad JSON and a state hob refuses are shown next to the
// editor; a desired state that differs from the reported one makes a
// delta, which arrives in the live list. A named shadow is created,
// listed and deleted.
import { api, go, text } from './pages-b.mjs'

export default async function shadows({ page, shot, uniq, poll, log }) {
  // The page's MQTT connections, to check that leaving the page ends them.
  const sockets = []
  const opened = (ws) => sockets.push(ws)
  page.on('websocket', opened)
  const thing = uniq('shadow-elf')
  await api(page, 'POST', `/console/api/iot/things/${thing}`, {})
  log(`thing ${thing} created`)

  // Pick the thing by name.
  await go(page, '#/shadows')
  await page.getByRole('heading', { level: 1, name: 'Shadows' }).waitFor()
  const picker = page.getByRole('form', { name: 'Choose a thing' })
  await picker.getByLabel('Thing name', { exact: true }).fill(thing)
  await picker.getByRole('button', { name: 'Show shadows' }).click()
  await page.getByRole('heading', { level: 2, name: `Classic shadow of ${thing}` }).waitFor()
  const liveStatus = page.locator('#sh-live-status')
  await liveStatus.filter({ hasText: `Listening on $aws/things/${thing}/shadow/update/delta.` }).waitFor()
  await page.locator('#sh-doc-status').filter({ hasText: 'does not exist yet' }).waitFor()

  // The device reports (through iotdata); update/documents refreshes the page.
  await api(page, 'POST', `/console/api/iotdata/things/${thing}/shadow`, { state: { reported: { colour: 'red', interval: 10 } } })
  await page.locator('#sh-reported').filter({ hasText: '"colour": "red"' }).waitFor()
  await page.locator('#sh-doc-status').filter({ hasText: /^Version 1, / }).waitFor()

  // Errors next to the editor: broken JSON (the page's), a state hob
  // refuses (the server's message).
  const form = page.getByRole('form', { name: 'Edit state' })
  const editor = form.getByLabel('State (JSON object)', { exact: true })
  const editorError = page.locator('#sh-state-error')
  await form.getByLabel('State section', { exact: true }).selectOption('desired')
  await editor.fill('{"colour": "green",}')
  await form.getByRole('button', { name: 'Update shadow' }).click()
  await editorError.filter({ hasText: /^This is not valid JSON: / }).waitFor()
  await editor.fill('["green"]')
  await form.getByRole('button', { name: 'Update shadow' }).click()
  await editorError.filter({ hasText: 'Desired node must be an object' }).waitFor()
  log(`refused: ${await text(editorError)}`)

  // desired ≠ reported: the delta arrives live.
  await editor.fill(JSON.stringify({ colour: 'green', interval: 10 }, null, 2))
  await form.getByRole('button', { name: 'Update shadow' }).click()
  await form.getByRole('status').filter({ hasText: 'Updated the desired state: the shadow is at version 2.' }).waitFor()
  const deltas = page.getByRole('list', { name: 'Deltas received, newest first' })
  const delta = deltas.getByRole('listitem').filter({ hasText: 'version 2' }).filter({ hasText: '"colour": "green"' })
  await delta.waitFor()
  if (await delta.filter({ hasText: 'interval' }).count()) throw new Error('the delta lists interval, which desired and reported agree on')
  await page.locator('#sh-delta').filter({ hasText: '"colour": "green"' }).waitFor()
  log('the delta {"colour": "green"} arrived live')
  await shot('shadows', { fullPage: true })

  // A named shadow: opened by name, created by setting its state, listed,
  // then deleted after confirmation.
  const nav = page.getByRole('navigation', { name: `Shadows of ${thing}` })
  await nav.getByLabel('Named shadow', { exact: true }).fill('config')
  await nav.getByRole('button', { name: 'Open' }).click()
  await page.getByRole('heading', { level: 2, name: `Named shadow config of ${thing}` }).waitFor()
  await liveStatus.filter({ hasText: `Listening on $aws/things/${thing}/shadow/name/config/update/delta.` }).waitFor()
  await editor.fill('{"mode": "eco"}')
  await form.getByRole('button', { name: 'Update shadow' }).click()
  await deltas.getByRole('listitem').filter({ hasText: '"mode": "eco"' }).waitFor()
  const listed = await api(page, 'GET', `/console/api/iotdata/api/things/shadow/ListNamedShadowsForThing/${thing}`)
  if (!listed.body.results.includes('config')) throw new Error(`ListNamedShadowsForThing: ${JSON.stringify(listed.body)}`)
  await nav.getByRole('link', { name: 'config', exact: true }).waitFor()
  await page.getByRole('button', { name: 'Delete shadow' }).click()
  await page.getByRole('group', { name: /^Delete the shadow config of / }).getByRole('button', { name: 'Delete', exact: true }).click()
  await page.locator('#sh-doc-status').filter({ hasText: 'does not exist yet' }).waitFor()
  await poll('the named shadow gone from the API', async () => {
    const r = await api(page, 'GET', `/console/api/iotdata/things/${thing}/shadow?name=config`, undefined, { ok: false })
    return r.status === 404
  })
  log('named shadow config created, listed and deleted')

  // Leaving the page closes its MQTT connections.
  await go(page, '#/overview')
  await poll('the shadows page\'s MQTT connections closed', () => sockets.length >= 2 && sockets.every((ws) => ws.isClosed()))
  page.off('websocket', opened)
  log(`${sockets.length} MQTT connections opened by the page, all closed after leaving it`)
}
