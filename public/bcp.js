// bcp.js loads the bcp demos (bcp.wasm, built from ../wasm with Go) into
// embed.html and wires the control bar and the keyboard to the program.
//
// The Go program draws on a canvas that fills the page. It registers
// window.bcpCommand(name, arg) and keeps window.bcp current every frame
// (demo, trial, simSeconds, r2, freezing, frames, and the settings); this
// script only sends commands and mirrors that state in the controls.
(function () {
  'use strict';

  var SPEEDS = ['0.25', '0.5', '1', '2', '5', '10', '20', '50', '100', 'max'];
  var DEMOS = ['traj', 'fearcond', 'motor', 'assembly'];
  var KEYS = {
    ' ': ['toggle'], 'k': ['toggle'],
    'r': ['reset'], 'R': ['reset'],
    's': ['step'], 'S': ['step'], '.': ['step'],
    'ArrowRight': ['speed', 'faster'], 'ArrowUp': ['speed', 'faster'],
    'ArrowLeft': ['speed', 'slower'], 'ArrowDown': ['speed', 'slower'],
    'l': ['learning', 'toggle'], 'L': ['learning', 'toggle'],
    '1': ['demo', '1'], '2': ['demo', '2'], '3': ['demo', '3'], '4': ['demo', '4']
  };

  var query = new URLSearchParams(location.search);
  var showControls = ['0', 'false', 'off', 'no'].indexOf((query.get('controls') || '').toLowerCase()) < 0;
  var $ = function (id) { return document.getElementById(id); };
  var lastDemo = '';
  var lastQuery = '';

  // command sends one command to the program and refreshes the controls.
  function command(name, arg) {
    if (typeof window.bcpCommand !== 'function') return false;
    window.bcpCommand(name, arg === undefined ? '' : String(arg));
    return true;
  }

  // key runs the shortcut of a key and reports whether there is one.
  function key(k) {
    var c = KEYS[k];
    if (!c) return false;
    return command(c[0], c[1]);
  }
  window.bcpKey = key;

  window.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var typing = t && ((t.tagName === 'INPUT' && t.type !== 'range' && t.type !== 'checkbox') ||
      t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
    if (typing) return;
    if (key(e.key)) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);

  // fail shows why the demo cannot run.
  function fail(msg) {
    var el = $('bcp-loading');
    el.hidden = false;
    el.className = 'loading failed';
    el.textContent = 'The demo could not start: ' + msg;
  }
  window.bcpFail = fail;

  // inset tells the program how much of the canvas the control bar covers.
  function inset() {
    var bar = $('bcp-bar');
    window.bcpInset = showControls && !bar.hidden ? bar.offsetHeight : 0;
  }

  function setIfIdle(el, prop, v) {
    if (document.activeElement !== el && el[prop] !== v) el[prop] = v;
  }

  // sync mirrors window.bcp in the controls and tells the embedding page
  // when the demo or its settings change.
  function sync() {
    var s = window.bcp;
    if (!s || typeof s.frames !== 'number') return;
    if (s.frames > 0) $('bcp-loading').hidden = true;
    var play = $('bcp-play');
    play.textContent = s.paused ? '\u25B6 Play' : '\u275A\u275A Pause';
    play.setAttribute('aria-pressed', s.paused ? 'false' : 'true');
    var i = SPEEDS.indexOf(s.speed);
    if (i < 0) {
      var v = parseFloat(s.speed);
      for (i = 0; i < SPEEDS.length - 2 && parseFloat(SPEEDS[i + 1]) <= v; i++) { }
    }
    setIfIdle($('bcp-speed'), 'value', String(i));
    $('bcp-speed-label').textContent = s.speed === 'max' ? 'max' : s.speed + ' s/s';
    setIfIdle($('bcp-demo'), 'value', s.demo);
    setIfIdle($('bcp-seed'), 'value', String(s.seed));
    setIfIdle($('bcp-overlap'), 'value', String(s.overlap));
    setIfIdle($('bcp-feedback'), 'value', s.feedback);
    setIfIdle($('bcp-shape'), 'value', s.shape);
    $('bcp-shape-field').hidden = s.demo !== 'traj';
    $('bcp-learning').checked = !!s.learning;
    if (s.demo !== lastDemo || s.query !== lastQuery) {
      lastDemo = s.demo;
      lastQuery = s.query;
      var q = new URLSearchParams(s.query);
      if (!showControls) q.set('controls', '0');
      history.replaceState(null, '', '?' + q.toString());
      document.title = $('bcp-demo').selectedOptions.length ?
        $('bcp-demo').selectedOptions[0].textContent + ' \u2013 bcp' : 'bcp';
      if (window.parent !== window) {
        window.parent.postMessage({ type: 'bcp', demo: s.demo, query: s.query }, location.origin);
      }
    }
    inset();
  }

  function wire() {
    $('bcp-bar').hidden = !showControls;
    $('bcp-play').addEventListener('click', function () { command('toggle'); });
    $('bcp-step').addEventListener('click', function () { command('step'); });
    $('bcp-reset').addEventListener('click', function () { command('reset'); });
    $('bcp-speed').addEventListener('input', function (e) { command('speed', SPEEDS[+e.target.value]); });
    $('bcp-demo').addEventListener('change', function (e) { command('demo', e.target.value); });
    $('bcp-seed').addEventListener('change', function (e) { command('seed', e.target.value); });
    $('bcp-overlap').addEventListener('change', function (e) { command('overlap', e.target.value); });
    $('bcp-feedback').addEventListener('change', function (e) { command('feedback', e.target.value); });
    $('bcp-shape').addEventListener('change', function (e) { command('shape', e.target.value); });
    $('bcp-learning').addEventListener('change', function (e) {
      command('learning', e.target.checked ? '1' : '0');
    });
    window.addEventListener('resize', inset);
    inset();
    setInterval(sync, 150);
  }

  // start fetches, compiles and runs the program; servers that do not send
  // application/wasm get a second, non-streaming attempt.
  function start() {
    if (typeof Go !== 'function') {
      fail('wasm_exec.js is missing; build the site with make web.');
      return;
    }
    var go = new Go();
    var load = WebAssembly.instantiateStreaming ?
      WebAssembly.instantiateStreaming(fetch('bcp.wasm'), go.importObject) :
      Promise.reject(new Error('no streaming compilation'));
    load.catch(function () {
      return fetch('bcp.wasm').then(function (r) {
        if (!r.ok) throw new Error('bcp.wasm: ' + r.status + ' ' + r.statusText + ' (build it with make web)');
        return r.arrayBuffer();
      }).then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
    }).then(function (res) {
      go.run(res.instance).then(function () { fail('the program stopped.'); });
    }).catch(function (e) { fail(e.message || String(e)); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { wire(); start(); });
  } else {
    wire();
    start();
  }
}());
