// Policies: broken JSON is pointed out (line and column) as it is typed,
// a policy hob refuses shows the server's MalformedPolicyException
// message next to the editor; a policy allowing iot:Connect for one client
// id is created and attached to the certificate of 25-certificates; Test
// authorization then allows that client id and denies another.
import { createCertificate, dismissSecrets, go, made, serverMessage } from './pages-a.mjs'

export default async function policies({ page, shot, uniq, log }) {
  if (!made.cert) {
    const c = await createCertificate(page, log)
    await dismissSecrets(page, c.privateKey)
    made.cert = { id: c.id, arn: c.arn }
  }
  const cert = made.cert
  const prefix = cert.arn.replace(/cert\/[0-9a-f]+$/, '')
  const allowed = uniq('sensor')
  const other = uniq('intruder')
  const name = uniq('console-connect')

  await go(page, '#/policies')
  const create = page.getByRole('form', { name: 'Create a policy' })
  const doc = create.getByLabel('Policy document', { exact: true })
  const docError = page.locator('#new-policy-doc-error')
  await create.getByLabel('Policy name', { exact: true }).fill(name)

  // Broken JSON: the message says where, as it is typed; nothing is sent.
  await doc.fill('{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", }\n  ]\n}')
  await docError.filter({ hasText: /^Line 4, column \d+: / }).waitFor()
  log(`broken JSON: ${await docError.textContent()}`)

  // JSON hob refuses as a policy: the server's message, next to the editor.
  await doc.fill(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Perhaps', Action: 'iot:Connect', Resource: '*' }] }, null, 2))
  if (await docError.isVisible()) throw new Error(`valid JSON is flagged: ${await docError.textContent()}`)
  const bad = await serverMessage(page, 'POST', new RegExp(`/console/api/iot/policies/${name}$`), () =>
    create.getByRole('button', { name: 'Create policy' }).click(),
  )
  if (bad.status !== 400 || !bad.message) throw new Error(`a malformed policy answered ${bad.status} ${bad.message}`)
  await docError.filter({ hasText: bad.message }).waitFor()
  log(`malformed policy refused: ${bad.message}`)

  // The real policy: iot:Connect for one client id.
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${prefix}client/${allowed}` }],
  }
  await doc.fill(JSON.stringify(policy, null, 2))
  await create.getByRole('button', { name: 'Create policy' }).click()
  await page.getByRole('status').filter({ hasText: `Created policy ${name}.` }).waitFor()
  await page.getByRole('table', { name: 'Policies' }).getByRole('link', { name, exact: true }).click()

  // Attach it to the certificate from the policy's page.
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor()
  await page.getByRole('table', { name: 'Versions, newest first' }).locator('tbody tr').filter({ hasText: 'default' }).waitFor()
  await page.getByLabel('Certificate ARN', { exact: true }).fill(cert.arn)
  await page.getByRole('button', { name: 'Attach', exact: true }).click()
  await page.getByRole('table', { name: 'Targets' }).getByRole('link', { name: cert.arn }).waitFor()
  log(`${name} attached to certificate ${cert.id.slice(0, 12)}…`)
  await shot('policy-detail')

  // Back on the list: the policy is listed; broken JSON in the editor.
  await go(page, '#/policies')
  await page.getByRole('table', { name: 'Policies' }).getByRole('link', { name, exact: true }).waitFor()
  await doc.fill('{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow" "Action": "iot:Publish" }\n  ]\n}')
  await docError.filter({ hasText: /^Line 4, column \d+: / }).waitFor()
  await shot('policies')

  // Test authorization: the allowed client id, then another.
  const panel = page.getByRole('region', { name: 'Test authorization' })
  await panel.getByLabel('Certificate ARN (principal)', { exact: true }).fill(cert.arn)
  await panel.getByLabel('Action', { exact: true }).selectOption('CONNECT')
  const verdict = panel.locator('.test-auth-verdict')
  for (const [clientId, want] of [
    [allowed, 'ALLOWED'],
    [other, 'IMPLICIT_DENY'],
  ]) {
    await panel.getByLabel('Client id', { exact: true }).fill(clientId)
    const resource = await panel.getByLabel('Resource ARN', { exact: true }).inputValue()
    if (resource !== `${prefix}client/${clientId}`) throw new Error(`the resource was filled in as ${resource}`)
    const res = await serverMessage(page, 'POST', /\/console\/api\/iot\/test-authorization\?/, () =>
      panel.getByRole('button', { name: 'Test', exact: true }).click(),
    )
    const got = res.body.authResults?.[0]?.authDecision
    if (res.status !== 200 || got !== want) throw new Error(`testing ${clientId}: ${res.status} ${got ?? res.message}, want ${want}`)
    const badge = want === 'ALLOWED' ? 'ALLOWED' : 'DENIED (implicit)'
    await verdict.filter({ hasText: badge }).filter({ hasText: `client/${clientId}` }).waitFor()
    if (want === 'ALLOWED') {
      await panel.getByText(`Allowed by ${name}.`).waitFor()
      await panel.getByRole('link', { name, exact: true }).waitFor()
      await panel.locator('pre').filter({ hasText: `client/${allowed}` }).waitFor()
      await panel.scrollIntoViewIfNeeded()
      await panel.getByRole('heading', { name: 'Test authorization' }).evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await shot('test-authorization')
    } else {
      await panel.getByText(`Policies evaluated: ${name}.`).waitFor()
    }
    log(`${clientId}: ${got}`)
  }
}
