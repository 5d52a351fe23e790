import { ConsoleExtensions } from './console-extensions';
import { html } from '../http/html';

const render = () => html`<section></section>`;

describe('ConsoleExtensions', () => {
  test("a plugin's pages live under its name, with nav entries in the order they were added; removing one takes its entry", () => {
    const extensions = new ConsoleExtensions();
    extensions.addPage('phonebook', { title: 'Phonebook', nav: 'Phonebook', render });
    const removeEntries = extensions.addPage('phonebook', { path: 'entries/all', title: 'All entries', render });
    extensions.addPage('calls', { title: 'Calls', nav: 'Calls', render, scripts: ['calls.js'] });
    expect(extensions.page('/phonebook/entries/all')?.spec.title).toBe('All entries');
    expect(extensions.page('/calls')?.scripts).toEqual(['/assets/plugins/calls/calls.js']);
    expect(extensions.nav()).toEqual([
      { path: '/phonebook', label: 'Phonebook' },
      { path: '/calls', label: 'Calls' },
    ]);
    removeEntries();
    expect(extensions.page('/phonebook/entries/all')).toBeUndefined();
  });

  test('refuses a page twice, odd paths, asset names with folders, relative files and unknown types', () => {
    const extensions = new ConsoleExtensions();
    extensions.addPage('phonebook', { title: 'Phonebook', render });
    expect(() => extensions.addPage('phonebook', { title: 'Again', render })).toThrow('the console page /phonebook exists already');
    expect(() => extensions.addPage('phonebook', { path: '../users', title: 'x', render })).toThrow('must be lowercase segments');
    expect(() => extensions.addAsset('phonebook', '../console.js', '/abs/x.js')).toThrow('must be a plain file name');
    expect(() => extensions.addAsset('phonebook', 'x.js', 'relative/x.js')).toThrow('must be an absolute path');
    expect(() => extensions.addAsset('phonebook', 'x.wasm', '/abs/x.wasm')).toThrow('give its content type');
    extensions.addAsset('phonebook', 'x.wasm', '/abs/x.wasm', 'application/wasm');
    expect(extensions.asset('/assets/plugins/phonebook/x.wasm')).toEqual({ file: '/abs/x.wasm', contentType: 'application/wasm' });
  });
});
