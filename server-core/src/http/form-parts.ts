import { html, type RawHtml } from './html';

/**
 * Pieces of the console's forms that console.js understands: an input with the place its
 * error goes (`data-error-for`), and the form's own error line for errors that name no field.
 */
export function formField(label: string, name: string, attrs: RawHtml = html``): RawHtml {
  return html`<label>${label} <input name="${name}" ${attrs}></label><span class="field-error" data-error-for="${name}"></span>`;
}

export const formError: RawHtml = html`<p class="form-error" data-error-for="" role="alert"></p>`;
