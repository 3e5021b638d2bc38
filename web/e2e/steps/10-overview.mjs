// Overview: a device that stays connected and one that publishes show up
// as connections, as a live messages-per-second chart and as lifecycle
// events; the endpoint, the CA download and the connection snippets are
// filled with hob's endpoint.
import { api, go, text } from './pages-b.mjs'

export default async function overview({ page, shot, elfReady, elfStart, poll, log }) {
  const thing = await elfReady()
  await go(page, '#/overview')
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()

  // elf's listener stays connected; its connect is a lifecycle event.
  elfStart('subscribe', '--duration', '90')
  const events = page.getByRole('table', { name: /^Lifecycle events/ })
  const connected = events
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: 'connected', exact: true }) })
    .filter({ hasText: `${thing}-listener` })
  await connected.first().waitFor()
  const connections = page.locator('#ov-connections')
  await poll('at least one connection on the overview', async () => Number(await text(connections)) >= 1)
  log(`connections: ${await text(connections)}`)

  // elf publishes four messages a second; the chart gets a rate above 0.
  elfStart('send', 'overview', '--duration', '40', '--interval', '250ms', '--qos', '1')
  const rateIn = page.locator('#ov-rate-in')
  await poll('a message rate above 0 on the overview', async () => Number(await text(rateIn)) > 0, 30_000)
  await poll('five points on the chart', async () => {
    const pts = await page.locator('.ov-line-in').getAttribute('points')
    return (pts ?? '').trim().split(/\s+/).filter(Boolean).length >= 5
  }, 30_000)
  log(`messages per second: in ${await text(rateIn)}, out ${await text(page.locator('#ov-rate-out'))}`)

  // The endpoint is DescribeEndpoint's; the snippets use it.
  const endpoint = await poll('the endpoint', async () => {
    const t = await text(page.locator('#ov-endpoint'))
    return t && t !== 'loading…' ? t : ''
  })
  const describe = await api(page, 'GET', '/console/api/iot/endpoint?endpointType=iot:Data-ATS')
  if (endpoint !== describe.body.endpointAddress) throw new Error(`the page shows endpoint ${endpoint}, DescribeEndpoint says ${describe.body.endpointAddress}`)
  // The MQTT port is the one hob listens on, from /console/overview.
  const { mqttPort } = (await api(page, 'GET', '/console/overview')).body
  if (!mqttPort) throw new Error('/console/overview does not say the MQTT port')
  const mosquitto = await poll('the mosquitto snippet with hob\'s MQTT port', async () => {
    const t = await text(page.locator('#ov-snippet-mosquitto'))
    return t.includes(`-h ${endpoint} -p ${mqttPort}`) ? t : ''
  })
  if (!mosquitto.includes('--cafile hob-ca.pem')) throw new Error(`mosquitto snippet: ${mosquitto}`)
  const port = new URL(page.url()).port || '443'
  const cli = await text(page.locator('#ov-snippet-awscli'))
  if (!cli.includes(`--endpoint-url https://${endpoint}:${port}`)) throw new Error(`aws CLI snippet: ${cli}`)

  // The CA download is hob's CA certificate.
  const ca = page.getByRole('link', { name: 'Download hob-ca.pem', exact: true })
  const href = await ca.getAttribute('href')
  const pem = await page.request.get(new URL(href, page.url()).href)
  if (!pem.ok() || !(await pem.text()).startsWith('-----BEGIN CERTIFICATE-----')) throw new Error(`${href} answered ${pem.status()}`)

  // Copy: to the clipboard, or (clipboard refused) the text is selected.
  await page.getByRole('button', { name: /^Copy mosquitto_pub/ }).click()
  await page.getByRole('status').filter({ hasText: /^Copied: |snippet is selected/ }).waitFor()

  await page.evaluate(() => window.scrollTo(0, 0))
  await shot('overview', { fullPage: true })
}
