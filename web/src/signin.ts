// Sign-in with an access key: the admin key hob prints at first start, or
// another from access-keys.json.
import { ApiError, signIn, type Session } from './api'
import { field, h, showError } from './dom'

export function renderSignIn(done: (s: Session) => void, notice: string | null): HTMLElement {
  const keyId = h('input', {
    type: 'text',
    name: 'accessKeyId',
    autocomplete: 'username',
    spellcheck: 'false',
    autocapitalize: 'off',
    required: true,
  })
  const secret = h('input', {
    type: 'password',
    name: 'secretAccessKey',
    autocomplete: 'current-password',
    required: true,
  })
  const submit = h('button', { type: 'submit' }, 'Sign in')
  const form = h(
    'form',
    { class: 'card signin', novalidate: true },
    h('h1', {}, 'Sign in to hob'),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    field('access-key-id', 'Access key id', keyId),
    field('secret-access-key', 'Secret access key', secret, 'hob prints the admin key at its first start.'),
    submit,
  )
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    showError('access-key-id', null)
    showError('secret-access-key', null)
    if (!keyId.value.trim()) {
      showError('access-key-id', 'Enter an access key id.')
      keyId.focus()
      return
    }
    if (!secret.value) {
      showError('secret-access-key', 'Enter the secret access key.')
      secret.focus()
      return
    }
    submit.disabled = true
    try {
      const s = await signIn(keyId.value.trim(), secret.value)
      secret.value = ''
      done(s)
    } catch (e) {
      // The server's message goes next to the secret: a wrong id and a
      // wrong secret are deliberately indistinguishable.
      showError('secret-access-key', e instanceof ApiError ? e.message : String(e))
      secret.select()
      secret.focus()
    } finally {
      submit.disabled = false
    }
  })
  return form
}
