#!/usr/bin/env node
// Usage: node translate.js [--server HOST:PORT] [--k K] [--chunk-ms MS] [--unpaced] [--tls] FILE.wav
//
// Streams a 16-bit PCM mono WAV (8-48 kHz) to a LeaPformer Live server through
// leapformer.v1.Translator/StreamingTranslate and prints the Spanish translation as it grows:
// each segment on one line that grows by every response's delta, then its final text.
// The proto is loaded at run time from ../../protos (nothing is generated).
//
// Exit codes: 0 done; 1 the server ended the stream with an error status (printed) or cannot
// be reached; 2 bad arguments or an unreadable WAV.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO = path.join(__dirname, '..', '..', 'protos', 'leapformer', 'v1', 'translation.proto');
const USAGE = 'usage: node translate.js [--server HOST:PORT] [--k K] [--chunk-ms MS] [--unpaced] [--tls] FILE.wav';

function parseArgs(argv) {
  const args = { server: '127.0.0.1:50051', k: 0, chunkMs: 100, paced: true, tls: false, file: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--server': args.server = value().replace(/^https?:\/\//, '').replace(/\/$/, ''); break;
      case '--k': args.k = integer(arg, value(), -1, 1000); break;
      case '--chunk-ms': args.chunkMs = integer(arg, value(), 1, 10000); break;
      case '--unpaced': args.paced = false; break;
      case '--tls': args.tls = true; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default:
        if (arg.startsWith('-') || args.file !== null) throw new UsageError(`unexpected argument '${arg}'`);
        args.file = arg;
    }
  }
  if (args.file === null) throw new UsageError('no WAV file given');
  return args;
}

function integer(name, text, min, max) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer in ${min}..${max}, not '${text}'`);
  return n;
}

class UsageError extends Error {}

/** Reads a RIFF/WAVE file: 16-bit PCM, mono, 8000..48000 Hz. Returns { sampleRate, pcm } (pcm: little-endian bytes). */
function readWav(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new UsageError(`${file} is not a RIFF/WAVE file`);
  }
  let format = null;
  let data = null;
  // Chunks: 4-byte id, 4-byte little-endian size, body padded to an even size.
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = bytes.subarray(offset + 8, Math.min(bytes.length, offset + 8 + size));
    if (id === 'fmt ' && body.length >= 16) {
      format = {
        tag: body.readUInt16LE(0),
        channels: body.readUInt16LE(2),
        sampleRate: body.readUInt32LE(4),
        bitsPerSample: body.readUInt16LE(14),
      };
      if (format.tag === 0xfffe && body.length >= 26) format.tag = body.readUInt16LE(24); // WAVE_FORMAT_EXTENSIBLE: the sub-format
    } else if (id === 'data') {
      data = body;
    }
    offset += 8 + size + (size % 2);
  }
  if (format === null || data === null) throw new UsageError(`${file}: no fmt or data chunk`);
  if (format.tag !== 1 || format.bitsPerSample !== 16) throw new UsageError(`${file}: only 16-bit PCM WAV is read here (format ${format.tag}, ${format.bitsPerSample}-bit)`);
  if (format.channels !== 1) throw new UsageError(`${file}: ${format.channels} channels; mix it down to mono first (sox in.wav -c 1 out.wav)`);
  if (format.sampleRate < 8000 || format.sampleRate > 48000) throw new UsageError(`${file}: ${format.sampleRate} Hz; the server takes 8000..48000 Hz`);
  return { sampleRate: format.sampleRate, pcm: data.subarray(0, data.length - (data.length % 2)) };
}

function loadTranslator() {
  // keepCase: the proto's own field names (audio_content, is_final); enums as their names.
  const definition = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  return grpc.loadPackageDefinition(definition).leapformer.v1.Translator;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Prints each segment on one growing line, then "  final #i: text"; returns the finals. */
function printer() {
  const finals = [];
  let open = -1;
  return {
    finals,
    onResponse(response) {
      const result = response.result;
      if (!result) return;
      if (result.segment_index !== open) {
        open = result.segment_index;
        process.stdout.write(`[${(result.segment_start_ms / 1000).toFixed(2).padStart(6)} s] `);
      }
      process.stdout.write(result.delta);
      if (result.is_final) {
        process.stdout.write(`\n  final #${result.segment_index}: ${result.text}\n`);
        finals.push(result.text);
        open = -1;
      }
    },
    closeLine() {
      if (open !== -1) process.stdout.write('\n');
      open = -1;
    },
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const audio = readWav(args.file);
  const Translator = loadTranslator();
  const credentials = args.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  const client = new Translator(args.server, credentials);

  await new Promise((resolve, reject) => client.waitForReady(Date.now() + 10000, (error) =>
    error ? reject(Object.assign(new Error(`cannot reach the server at ${args.server}: ${error.message}`), { exitCode: 1 })) : resolve()));

  const out = printer();
  const call = client.StreamingTranslate();
  let failed = null;
  const ended = new Promise((resolve) => {
    call.on('data', out.onResponse);
    call.on('error', (error) => { failed = error; resolve(); });
    call.on('end', resolve);
  });

  // The config first, then whole samples; half-close (end) when the file is sent.
  call.write({ config: { encoding: 'LINEAR16', sample_rate_hertz: audio.sampleRate, audio_channel_count: 1, wait_k: args.k } });
  const chunkBytes = Math.max(1, Math.floor((audio.sampleRate * args.chunkMs) / 1000)) * 2;
  const start = Date.now();
  for (let offset = 0; offset < audio.pcm.length && failed === null; offset += chunkBytes) {
    const chunk = audio.pcm.subarray(offset, Math.min(audio.pcm.length, offset + chunkBytes));
    if (args.paced) {
      // A microphone delivers a chunk only once its last sample is recorded.
      const due = (((offset + chunk.length) / 2) * 1000) / audio.sampleRate;
      const wait = due - (Date.now() - start);
      if (wait > 0) await sleep(wait);
    }
    if (!call.write({ audio_content: chunk })) await new Promise((resolve) => call.once('drain', resolve));
  }
  if (failed === null) call.end();
  await ended;
  out.closeLine();
  client.close();

  if (failed !== null) {
    const code = grpc.status[failed.code] ?? failed.code;
    console.error(`error: ${code}: ${failed.details || failed.message}`);
    return 1;
  }
  console.log(`translation: ${out.finals.join(' ')}`);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (error) => {
    console.error(`error: ${error.message}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = error instanceof UsageError ? 2 : (error.exitCode ?? 1);
  });
