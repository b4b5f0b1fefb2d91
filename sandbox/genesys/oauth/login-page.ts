/** The tiny HTML login page of `/oauth/authorize`: pick a sandbox user, type the sandbox password. */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginPage(
  params: Record<string, string>,
  users: { email: string; name: string }[],
  error?: string,
): string {
  const hidden = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const options = users
    .map((u) => `<option value="${esc(u.email)}">${esc(u.name)} &lt;${esc(u.email)}&gt;</option>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Genesys Cloud sandbox login</title></head><body>
<h1>Genesys Cloud sandbox</h1>${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/oauth/authorize">${hidden}
<label>User <select name="username">${options}</select></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Log in</button></form></body></html>`;
}
