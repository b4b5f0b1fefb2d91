/** The presence dashboard and sign-in pages (plain HTML/JS; every name is escaped). */

export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

export function loginPage(opts: { genesys: boolean; next: string; error?: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Patchbay — sign in</title>
<style>body{font:15px system-ui,sans-serif;background:#f0f4f8;display:grid;place-items:center;height:100vh;margin:0}
form,.box{background:#fff;padding:24px 28px;border-radius:8px;box-shadow:0 1px 4px #0002;width:320px}
a.btn,button{display:block;width:100%;box-sizing:border-box;padding:10px;margin:10px 0;border:0;border-radius:6px;background:#102a43;color:#fff;text-align:center;text-decoration:none;font:inherit;cursor:pointer}
input{width:100%;box-sizing:border-box;padding:8px;margin:6px 0}.err{color:#c0392b}</style></head><body><div class="box">
<h2>Presence dashboard</h2>${opts.error ? `<p class="err">${escapeHtml(opts.error)}</p>` : ''}
${opts.genesys ? `<a class="btn" id="genesys" href="/dashboard/auth/genesys?next=${encodeURIComponent(opts.next)}">Sign in with Genesys Cloud</a><p style="text-align:center;color:#829ab1">or</p>` : ''}
<form method="post" action="/dashboard/auth/admin" style="box-shadow:none;padding:0">
<input type="hidden" name="next" value="${escapeHtml(opts.next)}">
<label>Admin API key<input type="password" name="apiKey" autocomplete="off" required></label>
<button type="submit">Sign in as admin</button></form></div></body></html>`;
}

export function dashboardPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Patchbay — agent presence</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f0f4f8;color:#102a43}
header{background:#102a43;color:#fff;padding:12px 20px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0 12px 0 0}
#feed{padding:3px 10px;border-radius:12px;background:#27ae60;font-weight:600}
body.stale #feed{background:#eb5757}
body.stale #grid{opacity:.55;filter:grayscale(.6)}
#banner{display:none;background:#eb5757;color:#fff;padding:8px 20px;font-weight:600}
body.stale #banner{display:block}
#counts{display:flex;gap:8px;flex-wrap:wrap;padding:10px 20px}
.count{background:#fff;border-radius:6px;padding:6px 10px;box-shadow:0 1px 2px #0001}
#grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px;padding:0 20px 20px}
.agent{background:#fff;border-radius:6px;padding:8px 10px;border-left:6px solid #9aa5b1;box-shadow:0 1px 2px #0001}
.agent .n{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.agent .s{font-size:12px;color:#486581}
select{padding:4px}
</style></head><body class="stale">
<header><h1>Agent presence</h1><span id="feed">connecting…</span>
<label>Queue <select id="queue"><option value="">All</option></select></label>
<label>Team <select id="team"><option value="">All</option></select></label>
<span id="shown"></span></header>
<div id="banner">Live feed is down — statuses shown may be out of date (stale).</div>
<div id="counts"></div><div id="grid"></div>
<script>
const COLORS={AVAILABLE:'#27ae60',ON_QUEUE:'#2f80ed',BUSY:'#eb5757',AWAY:'#f2994a',BREAK:'#f2c94c',MEAL:'#f2c94c',TRAINING:'#9b51e0',MEETING:'#9b51e0',IDLE:'#bdbdbd',OFFLINE:'#9aa5b1'};
const agents=new Map();let stale=true;let ws;let tries=0;
const esc=s=>String(s).replace(/[&<>"']/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const label=s=>s.replace(/_/g,' ').toLowerCase().replace(/^./,c=>c.toUpperCase());
const dur=ms=>{const s=Math.max(0,Math.floor(ms/1000));const h=Math.floor(s/3600),m=Math.floor(s%3600/60);return h?h+'h '+m+'m':m+'m '+(s%60)+'s'};
function options(sel,values){const cur=sel.value;sel.innerHTML='<option value="">All</option>'+[...values].sort().map(v=>'<option>'+esc(v)+'</option>').join('');sel.value=cur}
function roster(){const qs=new Set(),ts=new Set();for(const a of agents.values()){a.queues.forEach(q=>qs.add(q));if(a.team)ts.add(a.team)}options(queue,qs);options(team,ts)}
function render(){const q=queue.value,t=team.value;const shown=[...agents.values()].filter(a=>(!q||a.queues.includes(q))&&(!t||a.team===t)).sort((a,b)=>a.name.localeCompare(b.name));
const counts={};for(const a of shown)counts[a.status]=(counts[a.status]||0)+1;
document.getElementById('counts').innerHTML=Object.entries(counts).sort((a,b)=>b[1]-a[1]).map(([s,n])=>'<span class="count" data-status="'+esc(s)+'"><b style="color:'+(COLORS[s]||'#334e68')+'">'+esc(label(s))+'</b> '+n+'</span>').join('');
const now=Date.now();grid.innerHTML=shown.map(a=>'<div class="agent" data-id="'+esc(a.id)+'" data-status="'+esc(a.status)+'" style="border-left-color:'+(COLORS[a.status]||'#334e68')+'"><div class="n">'+esc(a.name)+'</div><div class="s"><span class="st">'+esc(label(a.status))+'</span> · <span class="t" data-since="'+a.since+'">'+dur(now-a.since)+'</span></div></div>').join('');
document.getElementById('shown').textContent=shown.length+' agents'}
let pending=false;function schedule(){if(!pending){pending=true;requestAnimationFrame(()=>{pending=false;render()})}}
function update(a){const el=grid.querySelector('[data-id="'+CSS.escape(a.id)+'"]');agents.set(a.id,a);if(el&&!queue.value&&!team.value){el.dataset.status=a.status;el.style.borderLeftColor=COLORS[a.status]||'#334e68';el.querySelector('.st').textContent=label(a.status);const t=el.querySelector('.t');t.dataset.since=a.since;t.textContent=dur(Date.now()-a.since)}schedule()}
function setStale(s){stale=s;document.body.classList.toggle('stale',s);feed.textContent=s?'stale':'live'}
function connect(){ws=new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'/dashboard/presence/ws');
ws.onopen=()=>{tries=0};
ws.onmessage=ev=>{const m=JSON.parse(ev.data);if(m.type==='snapshot'){agents.clear();for(const a of m.agents)agents.set(a.id,a);roster();setStale(m.stale);render()}else if(m.type==='agent')update(m.agent);else if(m.type==='removed'){agents.delete(m.id);schedule()}else if(m.type==='feed')setStale(m.stale)};
ws.onclose=ev=>{setStale(true);if(ev.code===4401){location.href='/dashboard/login?next=/dashboard/presence';return}setTimeout(connect,Math.min(10000,500*2**tries++))}}
queue.onchange=render;team.onchange=render;
setInterval(()=>{const now=Date.now();for(const t of grid.querySelectorAll('.t'))t.textContent=dur(now-Number(t.dataset.since))},1000);
connect();
</script></body></html>`;
}
