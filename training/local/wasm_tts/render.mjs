#!/usr/bin/env node
// Renders speech with SVOX Pico and GnuSpeech, both WebAssembly builds from npm
// (@echogarden/svoxpico-wasm, @echogarden/gnuspeech-wasm; versions pinned in package.json).
//
// Usage:
//   node render.mjs [--pico-dir DIR] < jobs.jsonl
//   node render.mjs --list-voices
//
// Each stdin line is one job:
//   {"text": "Hello there.", "engine": "pico"|"gnuspeech", "voice": "en-US", "rate": 1.0,
//    "pitch": 1.0 or null, "out": "/abs/path.wav", "seed": 7 (optional)}
// rate: speaking speed, 1.0 = the voice's normal speed, 1.2 = 20% faster.
// pitch: a factor on the voice's pitch (1.0 or null = unchanged).
// seed: GnuSpeech's random intonation and pitch drift are drawn from it (default: a hash of
//   the job's other fields), so the same job always gives the same bytes. Pico has no randomness.
// Writes a 16-bit mono WAV at the engine's native rate (Pico 16 kHz, GnuSpeech 44.1 kHz) and
// prints "<out>\t<num_samples>" once the file is complete. The engines stay loaded: one process
// renders any number of jobs. On an error: a message on stderr and exit status 1.
//
// --pico-dir DIR: a folder with the Pico voice files of pico_voices.json (checked by SHA-256).
// --list-voices: prints "<engine>\t<voice>" for every voice (GnuSpeech's presets are the
//   voice_*.txt files of its package).
import { createInterface } from 'node:readline'
import { readFileSync, writeFileSync, renameSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const PICO_META = JSON.parse(readFileSync(path.join(HERE, 'pico_voices.json'), 'utf8'))

// ---------------------------------------------------------------- seeded randomness
// GnuSpeech's wasm draws its random numbers through WASI random_get, which emscripten serves
// from globalThis.crypto.getRandomValues (looked up on every call). Serving it from a PRNG that
// is reseeded per job makes a rendering a function of the job alone.
let prngState = 1
function prngNext() {  // mulberry32
  prngState = (prngState + 0x6d2b79f5) | 0
  let t = prngState
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return (t ^ (t >>> 14)) >>> 0
}
function seededGetRandomValues(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  for (let i = 0; i < bytes.length; i += 4) {
    const r = prngNext()
    for (let k = 0; k < 4 && i + k < bytes.length; k++) bytes[i + k] = (r >>> (8 * k)) & 255
  }
  return view
}
Object.defineProperty(globalThis, 'crypto', {
  value: { getRandomValues: seededGetRandomValues }, configurable: true, writable: true,
})

function jobSeed(job) {
  if (Number.isInteger(job.seed)) return job.seed | 0
  const key = JSON.stringify([job.text, job.engine, job.voice, job.rate, job.pitch ?? null])
  return createHash('sha256').update(key).digest().readInt32LE(0)
}

// ---------------------------------------------------------------- helpers
function wavBytes(pcm, sampleRate) {  // pcm: Int16Array, mono
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + pcm.byteLength, 4)
  header.write('WAVE', 8)
  header.write('fmt ', 12)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)  // PCM
  header.writeUInt16LE(1, 22)  // mono
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(pcm.byteLength, 40)
  return Buffer.concat([header, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength)])
}

function parseWav(bytes) {  // -> { pcm: Int16Array (first channel), sampleRate }
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('GnuSpeech did not write a WAVE file')
  }
  let fmt = null
  for (let pos = 12; pos + 8 <= b.length;) {
    const id = b.toString('ascii', pos, pos + 4)
    const size = b.readUInt32LE(pos + 4)
    if (id === 'fmt ') {
      fmt = { format: b.readUInt16LE(pos + 8), channels: b.readUInt16LE(pos + 10),
              sampleRate: b.readUInt32LE(pos + 12), bits: b.readUInt16LE(pos + 22) }
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16) throw new Error('expected 16-bit PCM')
      const n = Math.min(size, b.length - pos - 8) >> 1
      const all = new Int16Array(n)
      for (let i = 0; i < n; i++) all[i] = b.readInt16LE(pos + 8 + 2 * i)
      const pcm = fmt.channels === 1 ? all : all.filter((_, i) => i % fmt.channels === 0)
      return { pcm, sampleRate: fmt.sampleRate }
    }
    pos += 8 + size + (size & 1)
  }
  throw new Error('no data chunk in GnuSpeech output')
}

// strings in a module's heap, freed by the caller
function allocUtf8(m, text) {
  const bytes = Buffer.from(text + '\0', 'utf8')
  const ptr = m._malloc(bytes.length)
  m.HEAPU8.set(bytes, ptr)
  return { ptr, length: bytes.length }
}

// ---------------------------------------------------------------- SVOX Pico
const PICO_STEP_IDLE = 200
const PICO_STEP_BUSY = 201
const PICO_MEM_SIZE = 2_500_000  // as pico2wave: one voice's resources and its engine
// At its default volume (100) Pico clips: up to ~1% of the samples of a long sentence sit at
// full scale (peaks about 3 dB over). At 40 (-8 dB) the peaks stay about 5 dB under full scale
// and the level (about -19 dBFS RMS) is near espeak-ng's and flite's.
const PICO_VOLUME = 40

// The wasm instance and the voice files stay loaded; the Pico system itself (which lives wholly
// in its memory area) is rebuilt in a zeroed area for every job. A kept engine, even after
// pico_resetEngine(PICO_RESET_FULL) or a new engine in the same system, renders the same text
// differently (by up to ~25 LSB at volume 100) depending on what it rendered before; a fresh
// system renders the same bytes whatever came before. Rebuilding costs about a millisecond.
class Pico {
  static async create(dir) {
    const { default: init } = await import('@echogarden/svoxpico-wasm')
    const p = new Pico()
    p.m = await init()
    p.dir = dir
    p.checked = new Set()  // voice files verified and written to the wasm file system
    p.mem = p.m._malloc(PICO_MEM_SIZE)
    p.m.FS.mkdir('/pico')
    return p
  }

  check(code, what, system = 0, ok = [0]) {
    if (ok.includes(code)) return code
    const m = this.m
    const msg = m._malloc(200)
    m._pico_getSystemStatusMessage(system, code, msg)
    const text = Buffer.from(m.HEAPU8.subarray(msg, msg + 200)).toString('utf8').split('\0')[0]
    m._free(msg)
    throw new Error(`Pico: ${what} failed (${code}: ${text})`)
  }

  voiceFiles(voice) {
    const files = PICO_META.voices[voice]
    if (!files) throw new Error(`Pico has no voice ${voice} (${Object.keys(PICO_META.voices)})`)
    if (!this.dir) throw new Error('Pico voices need --pico-dir DIR (see pico_voices.json)')
    for (const file of files) {
      if (this.checked.has(file)) continue
      const data = readFileSync(path.join(this.dir, file))
      const want = PICO_META.sha256[file]
      const got = createHash('sha256').update(data).digest('hex')
      if (got !== want) throw new Error(`${file}: SHA-256 ${got}, expected ${want}`)
      this.m.FS.writeFile(`/pico/${file}`, data)
      this.checked.add(file)
    }
    return files
  }

  // a fresh system with the voice's two resources and one engine: { system, engine, close }
  open(voice) {
    const files = this.voiceFiles(voice)
    const m = this.m
    const refs = []
    const alloc = n => { const p = m._malloc(n); m.HEAPU8.fill(0, p, p + n); refs.push(p); return p }
    const str = t => { const s = allocUtf8(m, t); refs.push(s.ptr); return s.ptr }
    m.HEAPU8.fill(0, this.mem, this.mem + PICO_MEM_SIZE)
    const sysRef = alloc(4)
    let system = 0
    try {
      this.check(m._pico_initialize(this.mem, PICO_MEM_SIZE, sysRef), 'pico_initialize')
      system = m.HEAP32[sysRef >> 2]
      const vname = str('voice')
      const ok = (code, what) => this.check(code, what, system)
      ok(m._pico_createVoiceDefinition(system, vname), 'pico_createVoiceDefinition')
      for (const file of files) {
        const resRef = alloc(4)
        ok(m._pico_loadResource(system, str(`/pico/${file}`), resRef), `loading ${file}`)
        const name = alloc(64)
        ok(m._pico_getResourceName(system, m.HEAP32[resRef >> 2], name), 'pico_getResourceName')
        ok(m._pico_addResourceToVoiceDefinition(system, vname, name), `adding ${file}`)
      }
      const engRef = alloc(4)
      ok(m._pico_newEngine(system, vname, engRef), 'pico_newEngine')
      return {
        system, engine: m.HEAP32[engRef >> 2],
        close: () => {
          m._pico_terminate(sysRef)  // disposes the engine, voice and resources with the system
          for (const p of refs) m._free(p)
        },
      }
    } catch (err) {
      if (system) m._pico_terminate(sysRef)
      for (const p of refs) m._free(p)
      throw err
    }
  }

  render(job) {
    const m = this.m
    // Pico's own text commands; '<' and '>' in the text would open commands of their own
    const speed = Math.round(100 * (job.rate ?? 1))
    const pitch = Math.round(100 * (job.pitch ?? 1))
    if (speed < 20 || speed > 500) throw new Error(`Pico: rate ${job.rate} out of 0.2..5`)
    if (pitch < 50 || pitch > 200) throw new Error(`Pico: pitch ${job.pitch} out of 0.5..2`)
    const clean = job.text.replace(/[<>]/g, ' ')
    const { system, engine: eng, close } = this.open(job.voice)
    const text = allocUtf8(m, `<volume level="${PICO_VOLUME}"><speed level="${speed}">` +
                              `<pitch level="${pitch}">${clean}</pitch></speed></volume>`)
    const putRef = m._malloc(4)
    const buf = m._malloc(16384)
    const cntRef = m._malloc(4)
    const typeRef = m._malloc(4)
    const parts = []
    try {
      for (let off = 0; off < text.length;) {
        m.HEAP32[putRef >> 2] = 0
        const chunk = Math.min(text.length - off, 32767)
        this.check(m._pico_putTextUtf8(eng, text.ptr + off, chunk, putRef), 'pico_putTextUtf8', system)
        off += m.HEAP16[putRef >> 1]
        for (;;) {
          const code = this.check(m._pico_getData(eng, buf, 16384, cntRef, typeRef), 'pico_getData',
                                  system, [PICO_STEP_IDLE, PICO_STEP_BUSY])
          const n = m.HEAP16[cntRef >> 1]
          if (n > 0) parts.push(Buffer.from(m.HEAPU8.subarray(buf, buf + n)))
          if (code === PICO_STEP_IDLE) break
        }
      }
    } finally {
      for (const p of [text.ptr, putRef, buf, cntRef, typeRef]) m._free(p)
      close()
    }
    const bytes = Buffer.concat(parts)
    const pcm = new Int16Array(bytes.length >> 1)
    for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(2 * i)
    return { pcm, sampleRate: 16000 }
  }
}

// ---------------------------------------------------------------- GnuSpeech
const GNUSPEECH_DATA = '/data/en'

class GnuSpeech {
  static async create() {
    const { default: init } = await import('@echogarden/gnuspeech-wasm/wasm/gnuspeech.js')
    const { defaultTrmControlModelFileContent } =
      await import('@echogarden/gnuspeech-wasm/dist/utilities/DefaultTrmControlModel.js')
    const g = new GnuSpeech()
    g.m = await init()
    g.config = defaultTrmControlModelFileContent
    g.voices = g.m.FS.readdir(GNUSPEECH_DATA)
      .filter(f => /^voice_.*\.txt$/.test(f)).map(f => f.slice(6, -4)).sort()
    g.basePitch = Number(/^pitch_offset = (.*)$/m.exec(g.config)[1])
    return g
  }

  render(job) {
    const m = this.m
    if (!this.voices.includes(job.voice)) {
      throw new Error(`GnuSpeech has no voice ${job.voice} (${this.voices})`)
    }
    const rate = job.rate ?? 1
    const pitch = job.pitch ?? 1
    if (!(rate > 0) || !(pitch > 0)) throw new Error('rate and pitch must be > 0')
    // pitch_offset: semitones added to every voice's pitch (the package's default is -4)
    const offset = this.basePitch + 12 * Math.log2(pitch)
    let config = this.config
    for (const [re, value] of [[/^voice_name = .*$/m, `voice_name = ${job.voice}`],
                               [/^tempo = .*$/m, `tempo = ${rate}`],
                               [/^pitch_offset = .*$/m, `pitch_offset = ${offset.toFixed(4)}`]]) {
      if (!re.test(config)) throw new Error(`GnuSpeech config has no line ${re}`)
      config = config.replace(re, value)
    }
    m.FS.writeFile(`${GNUSPEECH_DATA}/trm_control_model.txt`, config)
    prngState = jobSeed(job)
    const strs = [job.text, '/out.wav', GNUSPEECH_DATA, '/out-params.txt'].map(s => allocUtf8(m, s))
    try {
      m._GnuSpeech_synthesizeToFile(strs[0].ptr, strs[1].ptr, strs[2].ptr, strs[3].ptr, 0)
    } finally {
      for (const s of strs) m._free(s.ptr)
    }
    const wav = m.FS.readFile('/out.wav')
    m.FS.unlink('/out.wav')
    try { m.FS.unlink('/out-params.txt') } catch { /* not written */ }
    return parseWav(wav)
  }
}

// ---------------------------------------------------------------- main
function parseArgs(argv) {
  const a = { picoDir: null, listVoices: false }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--pico-dir') a.picoDir = argv[++i]
    else if (argv[i] === '--list-voices') a.listVoices = true
    else throw new Error(`unknown argument ${argv[i]}`)
  }
  return a
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const engines = {}
  const get = async name => {
    if (!engines[name]) {
      if (name === 'pico') engines[name] = await Pico.create(args.picoDir)
      else if (name === 'gnuspeech') engines[name] = await GnuSpeech.create()
      else throw new Error(`unknown engine ${name} (pico, gnuspeech)`)
    }
    return engines[name]
  }
  if (args.listVoices) {
    for (const v of Object.keys(PICO_META.voices)) console.log(`pico\t${v}`)
    for (const v of (await get('gnuspeech')).voices) console.log(`gnuspeech\t${v}`)
    return
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of lines) {
    if (!line.trim()) continue
    const job = JSON.parse(line)
    if (typeof job.text !== 'string' || !job.text.trim()) throw new Error('job without text')
    if (typeof job.out !== 'string' || !path.isAbsolute(job.out)) {
      throw new Error('job.out must be an absolute path')
    }
    const { pcm, sampleRate } = (await get(job.engine)).render(job)
    if (pcm.length === 0) throw new Error(`${job.engine}:${job.voice} rendered no audio for ${job.out}`)
    writeFileSync(job.out + '.part', wavBytes(pcm, sampleRate))
    renameSync(job.out + '.part', job.out)
    process.stdout.write(`${job.out}\t${pcm.length}\n`)
  }
}

main().catch(err => {
  process.stderr.write(`render.mjs: ${err.stack || err}\n`)
  process.exit(1)
})
