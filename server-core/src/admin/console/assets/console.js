// Admin console behaviour: fills the server-rendered pages from the JSON API and submits
// forms, showing every error next to the field it names. No framework, no build step.
'use strict';

(function () {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';

  async function api(method, url, body) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-csrf-token'] = csrf;
    const response = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401) {
      window.location.assign('/login');
      throw new Error('signed out');
    }
    const text = await response.text();
    let data;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = { error: { message: text } };
    }
    return { ok: response.ok, status: response.status, body: data };
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key === 'text') node.textContent = String(value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
    return node;
  }

  function fillTable(table, rows, empty) {
    const signature = JSON.stringify(rows.map((cells) => cells.map((cell) => (cell instanceof Node ? cell.outerHTML || cell.textContent : cell))));
    if (table.dataset.signature === signature) return;
    table.dataset.signature = signature;
    const body = table.querySelector('tbody');
    body.replaceChildren();
    if (rows.length === 0) {
      const columns = table.querySelectorAll('thead th').length;
      body.append(el('tr', { class: 'empty' }, el('td', { colspan: columns, text: empty || 'Nothing here yet.' })));
      return;
    }
    for (const cells of rows) body.append(el('tr', {}, cells.map((cell) => el('td', {}, cell))));
  }

  function clearErrors(scope) {
    scope.querySelectorAll('[data-error-for]').forEach((node) => (node.textContent = ''));
    scope.querySelectorAll('[aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'));
  }

  /** Puts each issue next to its field; issues for unknown fields go to the form's own error line. */
  function showErrors(scope, answer) {
    clearErrors(scope);
    const error = (answer.body && answer.body.error) || { message: `request failed (${answer.status})` };
    const issues = error.issues && error.issues.length ? error.issues : [{ field: error.field || '', message: error.message }];
    for (const issue of issues) {
      const field = issue.field || '';
      const target = scope.querySelector(`[data-error-for="${CSS.escape(field)}"]`) || scope.querySelector('[data-error-for=""]');
      if (!target) continue;
      target.textContent = target.textContent ? `${target.textContent}; ${issue.message}` : issue.message;
      const input = scope.querySelector(`[name="${CSS.escape(field)}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  }

  function pageError(message) {
    const target = document.querySelector('main > section > [data-error-for=""]');
    if (target) target.textContent = message;
  }

  function notice(text) {
    const box = el('div', { class: 'notice', role: 'status', text });
    document.body.append(box);
    setTimeout(() => box.remove(), 2500);
  }

  /** Reads a form into a JSON body: checkboxes as booleans, numbers as numbers, empty inputs left out. */
  function formBody(form) {
    const body = {};
    for (const input of form.querySelectorAll('input[name], select[name], textarea[name]')) {
      if (input.dataset.pathOnly) continue;
      let value;
      if (input.dataset.type === 'boolean') value = input.checked;
      else if (input.value.trim() === '') continue;
      else if (input.dataset.type === 'number') value = Number(input.value);
      else value = input.value;
      body[input.name] = value;
    }
    return body;
  }

  function bindApiForm(form, after) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const [method, template] = form.dataset.api.split(' ');
      const url = template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(form.elements[name].value));
      const answer = await api(method, url, formBody(form));
      if (!answer.ok) return showErrors(form, answer);
      clearErrors(form);
      if (form.dataset.reset) form.reset();
      notice('Saved');
      if (after) await after(answer.body, form);
    });
  }

  function every(ms, task) {
    let stopped = false;
    const run = async () => {
      if (stopped) return;
      try {
        await task();
      } catch (err) {
        pageError(String(err.message || err));
      }
      if (!stopped) setTimeout(run, ms);
    };
    run();
    window.addEventListener('pagehide', () => (stopped = true));
  }

  function button(label, onclick, cls) {
    return el('button', { type: 'button', class: cls, onclick }, label);
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    if (seconds < 60) return `${seconds}s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
    return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  }

  function badge(ok, yes, no) {
    return el('span', { class: ok ? 'badge ok' : 'badge bad', text: ok ? yes : no });
  }

  const pages = {
    cluster() {
      every(5000, async () => {
        const { body } = await api('GET', '/api/cluster');
        const health = document.getElementById('cluster-health');
        health.replaceChildren(
          el('p', {}, 'Redis: ', badge(body.redis.ok, body.redis.mode === 'none' ? 'not used' : 'ok', 'unreachable'), ` ${body.redis.detail}`),
          el('p', {}, 'Database: ', body.database ? badge(body.database.ok, `ok (${body.database.latencyMs} ms)`, body.database.error || 'failing') : '—'),
          el('p', {}, `Senior: ${body.senior || 'none'} · members: ${body.nodes.length}`),
        );
        fillTable(
          document.getElementById('cluster-nodes'),
          body.nodes.map((node) => [
            el('span', {}, node.nodeId, node.self ? el('span', { class: 'badge', text: 'this node' }) : null),
            node.senior ? el('span', { class: 'badge ok', text: 'senior' }) : 'member',
            String(node.routedSessions),
            node.localSessions === null ? '—' : String(node.localSessions),
            node.database ? badge(node.database.ok, 'ok', node.database.error || 'failing') : node.error ? badge(false, '', node.error) : '—',
            duration(node.uptimeSeconds),
          ]),
        );
      });
    },

    sessions() {
      const table = document.getElementById('sessions');
      const load = async () => {
        const { body } = await api('GET', '/api/sessions');
        fillTable(
          table,
          body.sessions.map((session) => [
            session.jid,
            session.node,
            session.available ? 'yes' : 'no',
            String(session.priority),
            button('Kick', async () => {
              const answer = await api('DELETE', `/api/sessions/${encodeURIComponent(session.jid)}`);
              if (!answer.ok) return showErrors(table.parentElement, answer);
              notice(`Kicked ${session.jid}`);
              await load();
            }, 'danger'),
          ]),
          'Nobody is online.',
        );
      };
      every(3000, load);
    },

    users() {
      const table = document.getElementById('users');
      const resetForm = document.getElementById('reset-password');
      const rosterBox = document.getElementById('roster');
      const load = async () => {
        const { body } = await api('GET', '/api/users');
        fillTable(
          table,
          body.users.map((user) => [
            user.username,
            user.isAdmin ? 'yes' : 'no',
            String(user.online),
            el('span', { class: 'actions' },
              button('Reset password', () => {
                resetForm.hidden = false;
                resetForm.elements.username.value = user.username;
                resetForm.querySelector('[data-fill="username"]').textContent = user.username;
                resetForm.elements.password.focus();
              }),
              button('Roster', async () => {
                const answer = await api('GET', `/api/users/${encodeURIComponent(user.username)}/roster`);
                if (!answer.ok) return showErrors(table.parentElement, answer);
                rosterBox.hidden = false;
                rosterBox.querySelector('[data-fill="username"]').textContent = user.username;
                fillTable(rosterBox.querySelector('table'), answer.body.items.map((item) => [item.jid, item.name || '', item.subscription + (item.askOut ? ' (asked)' : ''), item.groups.join(', ')]), 'The roster is empty.');
              }),
              button('Delete', async () => {
                if (!window.confirm(`Delete ${user.username} and everything the account owns?`)) return;
                const answer = await api('DELETE', `/api/users/${encodeURIComponent(user.username)}`);
                if (!answer.ok) return showErrors(table.parentElement, answer);
                notice(`Deleted ${user.username}`);
                await load();
              }, 'danger'),
            ),
          ]),
        );
      };
      bindApiForm(document.getElementById('add-user'), load);
      bindApiForm(resetForm, () => (resetForm.hidden = true));
      document.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => (b.closest('form, .card').hidden = true)));
      load().catch((err) => pageError(err.message));
    },

    plugins() {
      const table = document.getElementById('plugins');
      const configForm = document.getElementById('plugin-config');
      const section = table.parentElement;
      const change = async (name, action) => {
        const answer = await api('POST', `/api/plugins/${encodeURIComponent(name)}/${action}`);
        if (!answer.ok) showErrors(section, answer);
        else notice(`${name}: ${answer.body.plugin.state}`);
        await load();
      };
      const load = async () => {
        const { body } = await api('GET', '/api/plugins');
        fillTable(
          table,
          body.plugins.map((plugin) => [
            el('span', {}, el('strong', { text: plugin.name }), plugin.description ? el('small', { text: ` ${plugin.description}` }) : null),
            plugin.version || '—',
            el('span', { class: `badge ${plugin.state === 'running' ? 'ok' : plugin.state === 'failed' ? 'bad' : ''}`, 'data-state': plugin.state, title: plugin.error || '', text: plugin.state }),
            el('code', { text: plugin.source }),
            el('span', { class: 'actions' },
              plugin.enabled ? button('Disable', () => change(plugin.name, 'disable')) : button('Enable', () => change(plugin.name, 'enable')),
              button('Configure', () => openConfig(plugin.name)),
            ),
          ]),
          'No plugins installed.',
        );
      };
      const openConfig = async (name) => {
        const answer = await api('GET', `/api/plugin-forms/${encodeURIComponent(name)}`);
        if (!answer.ok) return showErrors(section, answer);
        configForm.dataset.plugin = name;
        configForm.querySelector('[data-fill="name"]').textContent = name;
        renderFields(configForm.querySelector('.fields'), answer.body.fields, answer.body.config, 'config');
        clearErrors(configForm);
        configForm.hidden = false;
      };
      configForm.addEventListener('submit', async (event) => {
        event.preventDefault();
        const config = readFields(configForm);
        if (config === undefined) return;
        const name = configForm.dataset.plugin;
        const answer = await api('PUT', `/api/plugins/${encodeURIComponent(name)}/config`, { config });
        if (!answer.ok) return showErrors(configForm, answer);
        clearErrors(configForm);
        configForm.hidden = true;
        notice(`${name} reconfigured`);
        await load();
      });
      bindApiForm(document.getElementById('install-plugin'), load);
      document.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => (b.closest('form').hidden = true)));
      every(5000, load);
    },
  };

  /** Builds inputs for schema fields; names carry the prefix so errors like `config.text` land next to them. */
  function renderFields(container, fields, values, prefix) {
    container.replaceChildren();
    container.dataset.prefix = prefix;
    for (const field of fields) {
      const name = [prefix, field.name].filter(Boolean).join('.');
      const current = field.name ? field.name.split('.').reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), values) : values;
      let input;
      if (field.type === 'boolean') input = el('input', { type: 'checkbox', name, 'data-type': 'boolean', checked: current === true });
      else if (field.type === 'enum') input = el('select', { name }, field.optional ? el('option', { value: '' }, '') : null, field.options.map((o) => el('option', { value: o, selected: o === current }, o)));
      else if (field.type === 'json') input = el('textarea', { name, 'data-type': 'json', rows: 4 }, current === undefined || current === null ? '' : JSON.stringify(current, null, 2));
      else if (field.secret) input = el('input', { type: 'password', name, 'data-type': 'secret', autocomplete: 'new-password', placeholder: current ? 'unchanged' : '' });
      else input = el('input', { type: field.type === 'number' ? 'number' : 'text', step: field.type === 'number' ? 'any' : undefined, name, 'data-type': field.type, value: current === undefined || current === null ? '' : String(current) });
      container.append(el('label', { class: field.type === 'boolean' ? 'inline' : '' }, `${field.name || 'Config (JSON)'}${field.optional ? '' : ' *'} `, input));
      if (field.description) container.append(el('small', { class: 'hint', text: field.description }));
      container.append(el('span', { class: 'field-error', 'data-error-for': name }));
    }
  }

  /** Reads renderFields inputs back into an object; JSON syntax errors are shown at once and nothing is sent. */
  function readFields(form) {
    clearErrors(form);
    let result = {};
    let valid = true;
    for (const input of form.querySelectorAll('.fields [name]')) {
      const prefix = input.closest('.fields').dataset.prefix;
      const path = (prefix ? input.name.slice(prefix.length + 1) : input.name).split('.').filter(Boolean);
      let value;
      const type = input.dataset.type;
      if (type === 'boolean') value = input.checked;
      else if (type === 'secret') value = input.value === '' ? (input.placeholder ? '***' : undefined) : input.value;
      else if (input.value.trim() === '') value = undefined;
      else if (type === 'number') value = Number(input.value);
      else if (type === 'json') {
        try {
          value = JSON.parse(input.value);
        } catch (err) {
          form.querySelector(`[data-error-for="${CSS.escape(input.name)}"]`).textContent = `not valid JSON: ${err.message}`;
          valid = false;
        }
      } else value = input.value;
      if (value === undefined) continue;
      if (path.length === 0) result = value;
      else {
        let target = result;
        for (const key of path.slice(0, -1)) target = target[key] = target[key] || {};
        target[path[path.length - 1]] = value;
      }
    }
    return valid ? result : undefined;
  }

  /**
   * What plugin scripts build their pages with: they load after this file and call
   * `AimConsole.page('<data-page of their section>', (helpers) => ...)`.
   */
  window.AimConsole = Object.freeze({
    api, el, fillTable, clearErrors, showErrors, pageError, notice, formBody, bindApiForm, every, button, duration, badge, renderFields, readFields,
    page(name, start) {
      if (Object.hasOwn(pages, name)) throw new Error(`the console page ${name} exists already`);
      pages[name] = start;
    },
  });

  // Plugin scripts come after this one in the page: start once they have all run.
  document.addEventListener('DOMContentLoaded', () => {
    const section = document.querySelector('[data-page]');
    if (section && pages[section.dataset.page]) Promise.resolve(pages[section.dataset.page](window.AimConsole)).catch((err) => pageError(String(err.message || err)));
  });
})();
