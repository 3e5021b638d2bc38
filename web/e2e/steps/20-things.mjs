// Things: create a thing with an attribute, find it with the attribute
// filter (ListThings' attributeName/attributeValue) and the name filter,
// open its page and see its attribute, certificates and shadows; a bad
// name shows the server's message next to the field.
import { createThing, made, serverMessage } from './pages-a.mjs'

export default async function things({ page, shot, uniq, log }) {
  const name = uniq('console-thing')
  const colour = uniq('teal')
  await createThing(page, name, 'colour', colour)
  log(`created ${name} with colour=${colour}`)

  // The server's refusal goes next to the name field; nothing is created.
  const form = page.getByRole('form', { name: 'Create a thing' })
  const nameField = form.getByLabel('Thing name', { exact: true })
  await nameField.fill('no spaces allowed')
  const bad = await serverMessage(page, 'POST', /\/console\/api\/iot\/things\/no%20spaces/, () =>
    form.getByRole('button', { name: 'Create thing' }).click(),
  )
  if (bad.status !== 400 || !bad.message) throw new Error(`a bad thing name answered ${bad.status} ${bad.message}`)
  const nameError = page.locator('#new-thing-name-error')
  await nameError.filter({ hasText: bad.message }).waitFor()
  if ((await nameField.getAttribute('aria-invalid')) !== 'true') throw new Error('the name field is not marked aria-invalid')
  await nameField.fill('')
  log(`bad name refused: ${bad.message}`)

  // Search by attribute (server side), then narrow by name (this page).
  const search = page.getByRole('search', { name: 'Find things' })
  await search.getByLabel('Attribute name', { exact: true }).fill('colour')
  await search.getByLabel('Attribute value', { exact: true }).fill(colour)
  const listed = await serverMessage(page, 'GET', new RegExp(`/console/api/iot/things\\?.*attributeValue=${colour}`), () =>
    search.getByRole('button', { name: 'Search' }).click(),
  )
  const names = (listed.body.things ?? []).map((t) => t.thingName)
  if (names.length !== 1 || names[0] !== name) throw new Error(`the attribute search answered ${JSON.stringify(names)}`)
  const table = page.getByRole('table', { name: 'Things' })
  const link = table.getByRole('link', { name, exact: true })
  await link.waitFor()
  await search.getByLabel('Name contains', { exact: true }).fill(name)
  await table.getByRole('row').filter({ hasText: `colour = ${colour}` }).waitFor()
  const rows = await table.locator('tbody tr').count()
  if (rows !== 1) throw new Error(`${rows} rows after searching for ${name}, want 1`)
  await page.getByRole('heading', { name: 'All things' }).evaluate((el) => el.scrollIntoView({ block: 'start' }))
  await shot('things')

  // The thing's page.
  await link.click()
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor()
  if (new URL(page.url()).hash !== `#/things/${name}`) throw new Error(`the thing's page is at ${page.url()}`)
  await page.getByLabel('Name of attribute 1', { exact: true }).waitFor()
  if ((await page.getByLabel('Name of attribute 1', { exact: true }).inputValue()) !== 'colour') {
    throw new Error('the attribute editor does not show colour')
  }
  if ((await page.getByLabel('Value of attribute 1', { exact: true }).inputValue()) !== colour) {
    throw new Error(`the attribute editor does not show colour=${colour}`)
  }
  await page.getByText('No certificate is attached.').waitFor()
  await page.getByRole('list', { name: 'Shadows' }).getByRole('link', { name: 'Classic shadow' }).waitFor()

  // Edit the attributes: add one, save (UpdateThing), see the new version.
  await page.getByRole('button', { name: 'Add attribute' }).click()
  await page.getByLabel('Name of attribute 2', { exact: true }).fill('room')
  await page.getByLabel('Value of attribute 2', { exact: true }).fill('attic')
  await page.getByRole('button', { name: 'Save attributes' }).click()
  await page.getByRole('status').filter({ hasText: `Saved the attributes of ${name} (version 2).` }).waitFor()
  await page.locator('#thing-version').filter({ hasText: /^2$/ }).waitFor()
  await page.evaluate(() => window.scrollTo(0, 0))
  await shot('thing-detail')
  made.thing = name
  log(`${name}'s page shows its attributes, certificates and shadows`)
}
