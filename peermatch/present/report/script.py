"""The report's one inline script and the controls it drives: a search box, a topic or
area filter, and a line that says what is shown. Plain JavaScript, no network.

The Content-Security-Policy allows this script by its SHA-256 hash (never
``'unsafe-inline'`` for scripts), so no other inline script or ``on...`` attribute runs.
Everything the script shows is set as text (``textContent``), never as markup.

What it does, on the network (``#network``) and the matrix (``#matrix``) alike, through
the ``data-teacher``/``data-learner``/``data-topics``/``data-areas`` of every link:

* click a system to focus it: its links stay, the rest fade (click again, click the
  background, or Escape to clear); the line below says what it teaches and learns;
* type in the search box: systems whose name or id contains the text, and their links,
  stay; the rest fade;
* choose a topic or an area: only the links on it stay;
* hover a link: the line says who teaches whom, on which topics, with the score.

It also records load errors on the page (``data-errors``) and sets ``data-loaded``, which
the browser tests read.
"""

from __future__ import annotations

import base64
import hashlib
import html

from peermatch.present.report.build import Report, link_topics

SCRIPT = r"""(function(){
var d=document.documentElement,errors=[];
window.addEventListener('error',function(v){errors.push(String(v.message||v.type));
d.setAttribute('data-errors',errors.join(' | '));},true);
function all(root,sel){return Array.prototype.slice.call(root.querySelectorAll(sel));}
function setup(){
var search=document.getElementById('search'),filter=document.getElementById('filter'),
info=document.getElementById('info');
if(!search||!filter||!info){return;}
var nodes=all(document,'[data-id]'),links=all(document,'[data-teacher]'),focus=null,
names={},idle=info.textContent;
nodes.forEach(function(n){names[n.getAttribute('data-id')]=n.getAttribute('data-name');});
function listed(el,attr,value){
return (' '+(el.getAttribute(attr)||'')+' ').indexOf(' '+value+' ')>=0;}
function passes(el){var f=filter.value;if(!f){return true;}var i=f.indexOf(':');
return listed(el,f.slice(0,i)==='area'?'data-areas':'data-topics',f.slice(i+1));}
function say(text){info.textContent=text;}
function update(){
var q=search.value.replace(/^\s+|\s+$/g,'').toLowerCase(),hit={},hits=0,on={},shown=0,total=0;
if(q){nodes.forEach(function(n){var id=n.getAttribute('data-id');
if(!hit[id]&&(id+' '+names[id]).toLowerCase().indexOf(q)>=0){hit[id]=true;hits++;}});}
links.forEach(function(l){var t=l.getAttribute('data-teacher'),r=l.getAttribute('data-learner'),
ok=passes(l)&&(!focus||t===focus||r===focus)&&(!q||hit[t]||hit[r]);
l.classList.toggle('faded',!ok);
if(l.classList.contains('link')){total++;if(ok){shown++;on[t]=true;on[r]=true;}}});
var active=focus||q||filter.value;
nodes.forEach(function(n){var id=n.getAttribute('data-id'),
near=!!(on[id]||hit[id]||id===focus);
n.classList.toggle('faded',!!active&&!near);n.classList.toggle('near',!!active&&near);
n.classList.toggle('focus',id===focus);n.classList.toggle('hit',!!hit[id]);});
d.setAttribute('data-shown',String(shown));
if(focus){var teach=0,learn=0;links.forEach(function(l){if(!l.classList.contains('link')||
l.classList.contains('faded')){return;}if(l.getAttribute('data-teacher')===focus){teach++;}
if(l.getAttribute('data-learner')===focus){learn++;}});
say(names[focus]+': teaches '+teach+', learns from '+learn+' (of the links shown). '+
'Click it again, or press Escape, to see everything.');}
else if(q&&!hits){say('No system matches \u201c'+q+'\u201d.');}
else if(active){say(shown+' of '+total+' links shown'+
(q?', '+hits+' system(s) match \u201c'+q+'\u201d':'')+'.');}
else{say(idle);}}
nodes.forEach(function(n){n.addEventListener('click',function(ev){ev.preventDefault();
var id=n.getAttribute('data-id');focus=focus===id?null:id;update();});});
all(document,'.link, td[data-teacher]').forEach(function(l){
l.addEventListener('mouseenter',function(){say(l.getAttribute('data-title')||'');});
l.addEventListener('mouseleave',update);});
var svg=document.getElementById('network');
if(svg){svg.addEventListener('click',function(ev){if(ev.target===svg){focus=null;update();}});}
search.addEventListener('input',update);filter.addEventListener('change',update);
document.addEventListener('keydown',function(ev){if(ev.key==='Escape'){focus=null;update();}});
update();}
document.addEventListener('DOMContentLoaded',setup);
window.addEventListener('load',function(){d.setAttribute('data-loaded','yes');});
})();"""


def script_hash() -> str:
    """The CSP source that allows :data:`SCRIPT` and nothing else."""
    digest = hashlib.sha256(SCRIPT.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def controls(report: Report) -> str:
    """The search box, the topic or area filter and the line that says what is shown."""
    esc = html.escape
    topics: set[str] = set()
    for link in report.plan.links:
        topics.update(link_topics(link))
    catalogue = report.data.catalogue.topics
    known = sorted(t for t in topics if t in catalogue)
    areas = sorted({catalogue[t].area for t in known})
    area_options = "".join(f'<option value="area:{esc(a)}">{esc(a)}</option>' for a in areas)
    topic_options = "".join(
        f'<option value="topic:{esc(t)}">{esc(catalogue[t].name)}</option>'
        for t in sorted(known, key=lambda t: (catalogue[t].name.casefold(), t))
    )
    return (
        '<div class="controls">'
        '<label>Find a system <input id="search" type="search" '
        'placeholder="name or id" autocomplete="off"></label> '
        '<label>Topic or area <select id="filter"><option value="">all</option>'
        f'<optgroup label="Areas">{area_options}</optgroup>'
        f'<optgroup label="Topics">{topic_options}</optgroup></select></label>'
        "</div>"
        '<p id="info" class="muted" aria-live="polite">Click a system to see only its links; '
        "hover a link for its topics and score.</p>"
    )
