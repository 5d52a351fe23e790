import { html, type RawHtml } from '../../../http/html';
import { layout } from './layout';

export type FieldErrors = Partial<Record<string, string>>;

function fieldError(errors: FieldErrors, field: string): RawHtml {
  const message = errors[field];
  return message ? html`<span class="field-error" data-error-for="${field}">${message}</span>` : html`<span class="field-error" data-error-for="${field}"></span>`;
}

export function signInPage(nodeId: string, formCsrf: string, values: { username?: string } = {}, errors: FieldErrors = {}): string {
  return layout(
    { title: 'Sign in', nodeId },
    html`<form method="post" action="/login" class="card" id="login-form">
  <input type="hidden" name="csrf" value="${formCsrf}">
  ${errors.form ? html`<p class="form-error" role="alert">${errors.form}</p>` : html``}
  <label>Username <input name="username" autocomplete="username" value="${values.username ?? ''}" required></label>
  ${fieldError(errors, 'username')}
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  ${fieldError(errors, 'password')}
  <button type="submit">Sign in</button>
</form>`,
  );
}

export function setupPage(nodeId: string, formCsrf: string, values: { username?: string } = {}, errors: FieldErrors = {}): string {
  return layout(
    { title: 'Create the first administrator', nodeId },
    html`<form method="post" action="/setup" class="card" id="setup-form">
  <p>No administrator exists yet. Enter the one-time setup token the server printed at start.</p>
  <input type="hidden" name="csrf" value="${formCsrf}">
  ${errors.form ? html`<p class="form-error" role="alert">${errors.form}</p>` : html``}
  <label>Setup token <input name="setupToken" autocomplete="off" required></label>
  ${fieldError(errors, 'setupToken')}
  <label>Username <input name="username" autocomplete="username" value="${values.username ?? ''}" required></label>
  ${fieldError(errors, 'username')}
  <label>Password <input name="password" type="password" autocomplete="new-password" required></label>
  ${fieldError(errors, 'password')}
  <button type="submit">Create administrator</button>
</form>`,
  );
}

export function messagePage(nodeId: string, title: string, text: string, link?: { href: string; label: string }): string {
  return layout({ title, nodeId }, html`<p class="card">${text} ${link ? html`<a href="${link.href}">${link.label}</a>` : html``}</p>`);
}
