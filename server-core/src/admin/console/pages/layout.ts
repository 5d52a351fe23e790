import { html, type RawHtml } from '../../../http/html';

export interface PageFrame {
  title: string;
  /** Signed-in administrator; absent on sign-in and setup. */
  user?: string;
  csrf?: string;
  /** The nav entry to highlight. */
  active?: string;
  nodeId: string;
  /** Navigation entries of plugin pages, after the server's own. */
  nav?: ReadonlyArray<{ path: string; label: string }>;
  /** Plugin scripts and stylesheets loaded after the console's own. */
  scripts?: readonly string[];
  styles?: readonly string[];
}

export const NAV = [
  { path: '/cluster', label: 'Cluster' },
  { path: '/sessions', label: 'Sessions' },
  { path: '/users', label: 'Users' },
  { path: '/plugins', label: 'Plugins' },
] as const;

/** The page shell every console page shares: header, navigation, sign-out, the script. */
export function layout(frame: PageFrame, body: RawHtml): string {
  const nav = frame.user
    ? html`<nav>${[...NAV, ...(frame.nav ?? [])].map((item) => html`<a href="${item.path}" class="${item.path === frame.active ? 'active' : ''}">${item.label}</a>`)}</nav>
        <form method="post" action="/logout" class="signout"><input type="hidden" name="csrf" value="${frame.csrf ?? ''}"><span>${frame.user}</span> <button type="submit">Sign out</button></form>`
    : html``;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${frame.csrf ? html`<meta name="csrf-token" content="${frame.csrf}">` : html``}
<title>${frame.title} · Asterisk-IM admin</title>
<link rel="stylesheet" href="/assets/console.css">
${(frame.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
</head>
<body>
<header><a class="brand" href="/">Asterisk-IM</a><span class="node">node ${frame.nodeId}</span>${nav}</header>
<main>
<h1>${frame.title}</h1>
${body}
</main>
<script src="/assets/console.js"></script>
${(frame.scripts ?? []).map((src) => html`<script src="${src}"></script>`)}
</body>
</html>
`.html;
}
