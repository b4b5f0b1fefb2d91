/**
 * The HTML of the case-routing pages: `/loginIc`, `/loginSf` (the seed's credential pages) and
 * `/routing/status` (the multi-tenant status dashboard). Static pages; the data comes from the
 * JSON API with the admin API key the user types once (kept in sessionStorage).
 */
const shell = (title: string, body: string, script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222}
label{display:block;margin:.6rem 0 .2rem}input[type=text],input[type=password],input[type=url],textarea{width:100%;padding:.4rem;box-sizing:border-box}
button{margin:.6rem .4rem 0 0;padding:.4rem .9rem}table{border-collapse:collapse;width:100%;margin-top:1rem}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}.light{display:inline-block;width:14px;height:14px;border-radius:50%;vertical-align:middle;margin-right:.4rem}
.healthy{background:#2e9e44}.down{background:#c62828}.unknown{background:#999}#msg{margin-top:1rem;font-weight:600}
.keybox{background:#f4f4f4;padding:.6rem;margin-bottom:1rem}
</style></head><body>
<div class="keybox"><label for="apiKey">Admin API key</label><input id="apiKey" type="password" autocomplete="off"></div>
${body}
<p id="msg" role="status"></p>
<script>
const keyInput=document.getElementById('apiKey');keyInput.value=sessionStorage.getItem('patchbayKey')||'';
keyInput.addEventListener('change',()=>sessionStorage.setItem('patchbayKey',keyInput.value));
async function api(method,path,body){const r=await fetch(path,{method,headers:{'content-type':'application/json',authorization:'Bearer '+keyInput.value},body:body===undefined?undefined:JSON.stringify(body)});
const text=await r.text();const json=text?JSON.parse(text):null;if(!r.ok)throw new Error(json&&json.error?json.error.message:('HTTP '+r.status));return json;}
const msg=(t)=>{document.getElementById('msg').textContent=t;};
${script}
</script></body></html>`;

export const loginIcPage = shell(
  'Interaction Center credentials',
  `<h1>Enter your Interaction Center credentials</h1>
<form id="f">
<label for="server">Server (ICWS base URL, e.g. https://cic1:8019)</label><input id="server" type="url" required>
<label for="switchoverServer">Switchover server (optional)</label><input id="switchoverServer" type="url">
<label for="userId">User Name</label><input id="userId" type="text" required autocomplete="off">
<label for="password">Password</label><input id="password" type="password" required autocomplete="off">
<label><input id="autoDisconnect" type="checkbox" checked> Enable Auto Disconnect on Reply</label>
<button type="submit">Log In &amp; Next</button></form>`,
  `document.getElementById('f').addEventListener('submit',async(e)=>{e.preventDefault();msg('Logging in…');
const v=(id)=>document.getElementById(id).value;
try{await api('PUT','/routing/credentials/cic',{server:v('server'),switchoverServer:v('switchoverServer')||undefined,userId:v('userId'),password:v('password'),autoDisconnect:document.getElementById('autoDisconnect').checked});
document.getElementById('password').value='';location.href='/loginSf';}catch(err){msg('Not saved: '+err.message);}});`,
);

export const loginSfPage = shell(
  'Salesforce credentials',
  `<h1>Enter your Salesforce credentials</h1>
<p>Patchbay signs in with a connected app (OAuth client credentials); the username-password flow is blocked by default in Salesforce orgs.</p>
<form id="f">
<label for="loginUrl">Login URL (https://login.salesforce.com or your My Domain)</label><input id="loginUrl" type="url" required>
<label for="clientId">Consumer Key</label><input id="clientId" type="text" required autocomplete="off">
<label for="clientSecret">Consumer Secret</label><input id="clientSecret" type="password" required autocomplete="off">
<button type="submit">Verify &amp; Save</button></form>`,
  `document.getElementById('f').addEventListener('submit',async(e)=>{e.preventDefault();msg('Verifying…');
const v=(id)=>document.getElementById(id).value;
try{await api('PUT','/routing/credentials/salesforce',{loginUrl:v('loginUrl'),clientId:v('clientId'),clientSecret:v('clientSecret')});
document.getElementById('clientSecret').value='';msg('Saved. Case routing uses these credentials from now on.');}catch(err){msg('Not saved: '+err.message);}});`,
);

export const dashboardPage = shell(
  'Case Routing Status Dashboard',
  `<h1>Case Routing Status Dashboard</h1>
<p id="legend"><span class="light healthy"></span><strong>Green = healthy</strong> (connected to the contact center and Salesforce).
<span class="light down"></span><strong>Red = down</strong> (not answering, or not connected). <span class="light unknown"></span>Grey = not checked yet.</p>
<form id="add">
<label for="organization">Organization Name</label><input id="organization" type="text" required>
<label for="server">Server (URL)</label><input id="server" type="url" required>
<label for="heartbeatUrl">Heartbeat URL (e.g. http://server:8080/routing/heartbeat)</label><input id="heartbeatUrl" type="url" required>
<button type="submit">+ Add Config</button></form>
<button id="copy" type="button">Copy Config</button><button id="load" type="button">Load Config</button>
<label for="config">Configuration (JSON)</label><textarea id="config" rows="6"></textarea>
<table><thead><tr><th>#</th><th>Organization Name</th><th>Server</th><th>Heartbeat</th><th>Status</th><th>Action</th></tr></thead><tbody id="rows"></tbody></table>`,
  `const esc=(s)=>String(s).replace(/[&<>"']/g,(c)=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]);
async function refresh(){let list;try{list=await api('GET','/routing/status/instances');}catch(err){msg(err.message);return;}
document.getElementById('rows').innerHTML=list.map((o,i)=>'<tr data-org="'+esc(o.organization)+'"><td>'+(i+1)+'.</td><td>'+esc(o.organization)+'</td><td>'+esc(o.server)+'</td><td>'+esc(o.heartbeatUrl)+'</td><td><span class="light '+o.status+'" data-status="'+o.status+'"></span>'+esc(o.detail)+'</td><td><button type="button" data-delete="'+esc(o.id)+'">Delete</button></td></tr>').join('');}
document.getElementById('rows').addEventListener('click',async(e)=>{const id=e.target.getAttribute('data-delete');if(!id)return;await api('DELETE','/routing/status/config/'+encodeURIComponent(id));await refresh();});
document.getElementById('add').addEventListener('submit',async(e)=>{e.preventDefault();const v=(id)=>document.getElementById(id).value;
try{await api('POST','/routing/status/config',{organization:v('organization'),server:v('server'),heartbeatUrl:v('heartbeatUrl')});e.target.reset();await refresh();msg('Added.');}catch(err){msg(err.message);}});
document.getElementById('copy').addEventListener('click',async()=>{const cfg=await api('GET','/routing/status/config');const text=JSON.stringify(cfg,null,2);
document.getElementById('config').value=text;try{await navigator.clipboard.writeText(text);}catch{}msg('Configuration copied.');});
document.getElementById('load').addEventListener('click',async()=>{try{const cfg=JSON.parse(document.getElementById('config').value);await api('PUT','/routing/status/config',cfg);await refresh();msg('Configuration loaded.');}catch(err){msg('Not loaded: '+err.message);}});
keyInput.addEventListener('change',refresh);refresh();setInterval(refresh,5000);`,
);
