// Certificates: create one (certificate, public and private key offered
// once as downloads), attach it to the thing of 20-things, see the thing
// on the certificate's page, and try to delete the ACTIVE certificate:
// the server's refusal shows next to the control and nothing changes.
import { createCertificate, createThing, dismissSecrets, go, made, serverMessage } from './pages-a.mjs'

export default async function certificates({ page, shot, uniq, log }) {
  if (!made.thing) {
    made.thing = uniq('console-thing')
    await createThing(page, made.thing, 'colour', 'teal')
  }
  const thing = made.thing
  const cert = await createCertificate(page, log)
  const list = page.getByRole('table', { name: 'Certificates, newest first' })
  const listed = list.getByRole('row').filter({ has: page.locator(`a[href="#/certificates/${cert.id}"]`) })
  await listed.filter({ hasText: 'ACTIVE' }).waitFor()
  await shot('certificates')
  await dismissSecrets(page, cert.privateKey)
  log('the private key is gone from the page once dismissed')

  // Attach it to the thing, from the thing's page.
  await go(page, `#/things/${thing}`)
  await page.getByRole('heading', { level: 1, name: thing, exact: true }).waitFor()
  await page.getByLabel('Certificate ARN', { exact: true }).fill(cert.arn)
  await page.getByRole('button', { name: 'Attach', exact: true }).click()
  const attached = page.getByRole('table', { name: 'Attached certificates' }).getByRole('link', { name: cert.arn })
  const attachError = page.locator('#thing-attach-arn-error')
  await attached.or(attachError).first().waitFor()
  if (await attachError.isVisible()) throw new Error(`attaching the certificate to ${thing}: ${await attachError.textContent()}`)
  log(`attached to ${thing}`)

  // The certificate's page names the thing.
  await page.getByRole('table', { name: 'Attached certificates' }).getByRole('link', { name: cert.arn }).click()
  await page.getByRole('heading', { level: 1, name: `Certificate ${cert.id.slice(0, 12)}…` }).waitFor()
  await page.getByRole('table', { name: 'Things' }).getByRole('link', { name: thing, exact: true }).waitFor()

  // Deleting an ACTIVE, attached certificate: refused; the message is
  // the server's, next to the Delete control.
  const details = page.getByRole('region', { name: 'Certificate details' })
  await details.getByRole('button', { name: `Delete certificate ${cert.id.slice(0, 12)}…` }).click()
  const refused = await serverMessage(page, 'DELETE', new RegExp(`/console/api/iot/certificates/${cert.id}$`), () =>
    details.getByRole('button', { name: 'Yes, delete' }).click(),
  )
  if (refused.status < 400 || !refused.message) throw new Error(`deleting the ACTIVE certificate answered ${refused.status}`)
  const del = details.getByRole('button', { name: `Delete certificate ${cert.id.slice(0, 12)}…` })
  const errorId = (await del.getAttribute('aria-describedby')) ?? ''
  const shown = page.locator(`[id="${errorId.split(' ')[0]}"]`)
  await shown.filter({ hasText: refused.message }).waitFor()
  if ((await shown.getAttribute('role')) !== 'alert') throw new Error('the refusal is not role=alert')
  await details.getByText('ACTIVE', { exact: true }).waitFor()
  await page.getByRole('table', { name: 'Things' }).getByRole('link', { name: thing, exact: true }).waitFor()
  log(`delete refused: ${refused.message}`)
  await shot('certificate-detail')
  made.cert = { id: cert.id, arn: cert.arn }
}
