// LeaPformer Live browser demo: microphone -> AudioWorklet (16 kHz LINEAR16) -> /ws/translate,
// and the translation shown as the server commits it. Protocol: docs/web-demo.md.
'use strict';

const ui = {
  model: document.getElementById('model'),
  button: document.getElementById('start'),
  k: document.getElementById('k'),
  kValue: document.getElementById('k-value'),
  keyRow: document.getElementById('api-key-row'),
  key: document.getElementById('api-key'),
  status: document.getElementById('status'),
  error: document.getElementById('error'),
  sent: document.getElementById('audio-sent'),
  current: document.getElementById('current'),
  transcript: document.getElementById('transcript'),
};

const TARGET_RATE = 16000;
const CHUNK_MS = 100;

let info = null; // ModelInfo from /api/model-info
let session = null; // the running session, if any

ui.k.addEventListener('input', showK);
ui.button.addEventListener('click', () => (session ? stop(session) : start()));
loadModelInfo();

async function loadModelInfo() {
  try {
    const response = await fetch('api/model-info', { cache: 'no-store' });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    info = await response.json();
  } catch (e) {
    ui.model.textContent = 'The model is unknown.';
    showError(`Cannot get the model's details from the server (${e.message}). Is the server running? Reload to retry.`);
    return;
  }

  ui.model.textContent = `${info.modelName}, ${info.sourceLanguageCode} → ${info.targetLanguageCode}` +
    (info.ready ? '' : ' (warming up: the first words may take a moment)');
  ui.k.min = info.minWaitK;
  ui.k.max = info.maxWaitK;
  const requested = Number(new URLSearchParams(location.search).get('k'));
  ui.k.value = requested >= info.minWaitK && requested <= info.maxWaitK ? requested : info.defaultWaitK;
  showK();
  ui.keyRow.hidden = !info.limits.apiKeyRequired;
  ui.button.disabled = false;
}

function showK() {
  const k = Number(ui.k.value);
  ui.kValue.textContent = info ? `${k} (${((k * info.sourceUnitMs) / 1000).toFixed(2)} s)` : String(k);
}

async function start() {
  clearError();
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    showError('The browser allows the microphone only on secure pages: open this page over https://, or as http://localhost on the server\'s machine.');
    return;
  }
  if (typeof AudioWorkletNode === 'undefined') {
    showError('This browser has no AudioWorklet; use a current Chrome, Edge, Firefox or Safari.');
    return;
  }

  const s = { socket: null, context: null, stream: null, node: null, queue: [], open: false, samples: 0, stopping: false, failed: false, flushed: null };
  session = s;
  ui.current.replaceChildren();
  setRunning(true);
  setStatus('Starting the microphone…');
  try {
    s.context = new AudioContext({ latencyHint: 'interactive' });
    await s.context.audioWorklet.addModule('pcm-worklet.js');
    // The microphone first: a refusal then costs no connection. Chunks wait in s.queue until the socket is open.
    s.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    if (session !== s) {
      return teardown(s); // stopped while the permission prompt was up
    }
    s.node = new AudioWorkletNode(s.context, 'pcm-downsampler', {
      numberOfInputs: 1,
      numberOfOutputs: 0, // a sink: the audio goes to the server, not to the speakers
      processorOptions: { targetRate: TARGET_RATE, chunkMs: CHUNK_MS },
    });
    s.node.port.onmessage = (event) => onWorkletMessage(s, event.data);
    s.context.createMediaStreamSource(s.stream).connect(s.node);
    if (s.context.state === 'suspended') {
      await s.context.resume();
    }
    setStatus('Connecting to the server…');
    connect(s, Math.min(TARGET_RATE, s.context.sampleRate));
  } catch (e) {
    fail(s, describeStartError(e));
  }
}

function connect(s, sampleRate) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/translate`;
  const socket = new WebSocket(url);
  s.socket = socket;
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => {
    const first = { config: { encoding: 'LINEAR16', sampleRateHertz: sampleRate, audioChannelCount: 1, waitK: Number(ui.k.value) } };
    if (info && info.limits.apiKeyRequired) {
      first.apiKey = ui.key.value.trim();
    }
    socket.send(JSON.stringify(first));
    s.open = true;
    for (const chunk of s.queue.splice(0)) {
      socket.send(chunk);
    }
    if (s.stopping) {
      socket.send(JSON.stringify({ end: true }));
    } else {
      setStatus('Listening: speak English.');
    }
  };
  socket.onmessage = (event) => onServerMessage(s, event.data);
  socket.onclose = (event) => onClose(s, event);
}

function onWorkletMessage(s, data) {
  if (data instanceof ArrayBuffer) {
    s.samples += data.byteLength / 2;
    const ms = Math.round((s.samples * 1000) / Math.min(TARGET_RATE, s.context.sampleRate));
    ui.sent.dataset.ms = String(ms);
    ui.sent.textContent = `(${(ms / 1000).toFixed(1)} s of audio sent)`;
    if (s.open && s.socket.readyState === WebSocket.OPEN) {
      s.socket.send(data);
    } else {
      s.queue.push(data);
    }
  } else if (data && data.type === 'flushed' && s.flushed) {
    s.flushed();
  }
}

function onServerMessage(s, text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return fail(s, 'The server sent something that is not JSON.');
  }
  if (message.error) {
    s.failed = true;
    showError(`${message.error.code}: ${message.error.message}`);
    return;
  }
  const result = message.result;
  if (result) {
    if (result.isFinal) {
      addToTranscript(result);
      ui.current.replaceChildren();
    } else {
      showCurrent(result.text || '');
    }
  } else if (message.speechEventType === 'END_OF_SINGLE_UTTERANCE') {
    stop(s);
  }
}

function onClose(s, event) {
  if (event.code === 1000) {
    setStatus(s.stopping ? 'Done. Press Start to go on.' : 'The server ended the stream.');
  } else if (!s.failed) {
    // An error message, when the server sent one, is already shown.
    showError(s.open
      ? `The connection to the server was lost (WebSocket close ${event.code}${event.reason ? `: ${event.reason}` : ''}).`
      : `Cannot connect to the server at ${location.host} (WebSocket close ${event.code}).`);
  }
  if (!s.failed && event.code !== 1000) {
    s.failed = true;
  }
  if (s.failed) {
    setStatus('Stopped.');
  }
  teardown(s);
}

/** Stops the microphone, sends the last partial chunk, and half-closes: the server sends the final result and closes. */
async function stop(s) {
  if (s.stopping) {
    return;
  }
  s.stopping = true;
  ui.button.disabled = true;
  setStatus('Finishing the translation…');
  if (s.stream) {
    s.stream.getTracks().forEach((track) => track.stop());
  }
  if (s.node) {
    await new Promise((resolve) => {
      s.flushed = resolve;
      s.node.port.postMessage({ type: 'flush' });
      setTimeout(resolve, 1000); // a worklet that does not answer must not hold the stop
    });
  }
  if (s.open && s.socket.readyState === WebSocket.OPEN) {
    s.socket.send(JSON.stringify({ end: true }));
  } else if (!s.socket) {
    teardown(s); // never connected: nothing to finish
    setStatus('Stopped.');
  }
}

function teardown(s) {
  if (s.stream) {
    s.stream.getTracks().forEach((track) => track.stop());
  }
  if (s.node) {
    s.node.port.onmessage = null;
    s.node.disconnect();
  }
  if (s.context && s.context.state !== 'closed') {
    s.context.close();
  }
  if (s.socket && s.socket.readyState === WebSocket.OPEN) {
    s.socket.close(1000);
  }
  if (session === s) {
    session = null;
    setRunning(false);
  }
}

function fail(s, message) {
  s.failed = true;
  showError(message);
  setStatus('Stopped.');
  teardown(s);
}

function describeStartError(e) {
  switch (e && e.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'The microphone permission was denied. Allow the microphone for this site in the browser (the icon in the address bar) and press Start again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Connect one and press Start again.';
    case 'NotReadableError':
      return 'The microphone cannot be read: another program may be using it.';
    default:
      return `The microphone could not be started (${(e && e.message) || e}).`;
  }
}

/** The current segment's committed text, one span per word, so that each new word appears on its own. */
function showCurrent(text) {
  const words = text.split(' ').filter((w) => w.length > 0);
  const spans = ui.current.children;
  while (spans.length > words.length) {
    spans[spans.length - 1].remove();
  }
  words.forEach((word, i) => {
    let span = spans[i];
    if (!span) {
      span = document.createElement('span');
      span.className = 'word';
      ui.current.append(span);
    }
    const shown = i === 0 ? word : ` ${word}`;
    if (span.textContent !== shown) {
      span.textContent = shown; // the last word may still grow by a sub-word piece
    }
  });
}

function addToTranscript(result) {
  const text = result.text || '';
  if (!text) {
    return; // a segment with nothing said
  }
  const item = document.createElement('li');
  item.dataset.segment = String(result.segmentIndex || 0);
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = `${(Number(result.segmentStartMs || 0) / 1000).toFixed(1)} s`;
  const words = document.createElement('span');
  words.className = 'text';
  words.textContent = text;
  item.append(time, words);
  ui.transcript.append(item);
}

function setRunning(running) {
  ui.button.textContent = running ? 'Stop' : 'Start microphone';
  ui.button.classList.toggle('running', running);
  ui.button.disabled = !info;
  ui.k.disabled = running;
  ui.key.disabled = running;
}

function setStatus(text) {
  ui.status.textContent = text;
}

function showError(text) {
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function clearError() {
  ui.error.textContent = '';
  ui.error.hidden = true;
}
