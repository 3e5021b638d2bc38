// The MQTT test client: connect as web-elf with a presigned URL, subscribe
// to elf/#, see what `elf send` publishes arrive with its topic, and see a
// message published from the page come back through the subscription.
export default async function mqtt({ page, shot, elf, elfReady, poll, log, uniq }) {
  const thing = await elfReady()

  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'MQTT test client' }).click()
  await page.getByRole('heading', { name: 'MQTT test client', level: 1 }).waitFor()
  const status = page.locator('.mqtt [role=status]').first()

  // The page keeps its connection and log across routes: start afresh.
  const disconnect = page.getByRole('button', { name: 'Disconnect', exact: true })
  if (await disconnect.isVisible()) {
    await disconnect.click()
    await poll('"Disconnected."', async () => (await status.textContent()) === 'Disconnected.')
  }
  await page.getByRole('button', { name: 'Clear', exact: true }).click()

  // Connect.
  const clientId = page.getByLabel('Client id', { exact: true })
  if ((await clientId.inputValue()) !== 'web-elf') throw new Error(`the client id is ${await clientId.inputValue()}, want web-elf`)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await poll('"Connected as web-elf."', async () => (await status.textContent()) === 'Connected as web-elf.', 30_000)

  // Subscribe to elf/# at QoS 1; the subscription is listed once hob granted it.
  const subscribe = page.getByRole('form', { name: 'Subscribe' })
  await subscribe.getByLabel('Topic filter', { exact: true }).fill('elf/#')
  await subscribe.getByLabel('QoS', { exact: true }).selectOption('1')
  await subscribe.getByRole('button', { name: 'Subscribe' }).click()
  const subs = page.getByRole('list', { name: 'Subscriptions' })
  await subs.getByRole('listitem').filter({ hasText: 'elf/#' }).waitFor()
  const subError = page.locator('#sub-filter-error')
  if (await subError.isVisible()) throw new Error(`subscribing: ${await subError.textContent()}`)

  // elf publishes from its own device; every message shows with its topic.
  const log_ = page.getByRole('list', { name: 'Messages, newest first' })
  const said = uniq('hello-from-elf')
  const sent = await elf('send', said, '--duration', '3', '--qos', '1', '--json')
  if (sent.code !== 0) throw new Error(`elf send: exit ${sent.code}: ${sent.stderr.trim()}`)
  const summary = sent.stdout
    .split('\n')
    .map((l) => {
      try {
        return JSON.parse(l)
      } catch {
        return null
      }
    })
    .find((ev) => ev?.event === 'summary')
  if (!summary || summary.sent < 1 || summary.errors !== 0) throw new Error(`elf send's summary: ${JSON.stringify(summary)}`)
  const topic = `elf/${thing}`
  const fromElf = log_
    .getByRole('listitem')
    .filter({ has: page.locator('code.topic', { hasText: new RegExp(`^${escape(topic)}$`) }) })
    .filter({ hasText: `"msg": "${said}"` })
  await poll(`${summary.sent} messages from elf on ${topic} in the log`, async () => (await fromElf.count()) >= summary.sent)
  log(`elf sent ${summary.sent} messages on ${topic}; all are in the log`)

  // Publish from the page; it comes back through elf/#.
  const publish = page.getByRole('form', { name: 'Publish' })
  const pubTopic = `elf/console/${uniq('note')}`
  const marker = uniq('from-the-console')
  await publish.getByLabel('Topic', { exact: true }).fill(pubTopic)
  await publish.getByLabel('QoS', { exact: true }).selectOption('1')
  await publish.getByLabel('Payload', { exact: true }).fill(JSON.stringify({ message: 'Hello from the hob console', id: marker }, null, 2))
  await publish.getByRole('button', { name: 'Publish' }).click()
  await poll(`"Published to ${pubTopic}."`, async () => (await status.textContent()) === `Published to ${pubTopic}.`)
  const echoed = log_
    .getByRole('listitem')
    .filter({ has: page.locator('code.topic', { hasText: new RegExp(`^${escape(pubTopic)}$`) }) })
    .filter({ hasText: marker })
  await echoed.first().waitFor()
  // Newest first: the console's message is above elf's, which all came
  // before it was published.
  const topics = await log_.locator('li code.topic').allTextContents()
  if (topics.indexOf(pubTopic) > topics.indexOf(topic)) throw new Error(`the log is not newest first: ${topics.join(', ')}`)
  log(`published on ${pubTopic} from the page; it came back`)
  await shot('mqtt', { fullPage: true }) // the log is below the fold

  // Disconnect, leaving the client as a user would.
  await disconnect.click()
  await poll('"Disconnected."', async () => (await status.textContent()) === 'Disconnected.')
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
