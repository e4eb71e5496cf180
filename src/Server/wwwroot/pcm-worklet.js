// AudioWorklet processor: the microphone at the context's rate (often 48 kHz) -> 16 kHz mono
// LINEAR16, posted to the page as ~100 ms chunks (ArrayBuffers of Int16, little-endian as the
// platform's typed arrays are on every browser platform).
//
// Downsampling is band-limited: each output sample is a windowed-sinc low-pass evaluated at its
// exact input position, from a table of 256 fractional phases, so any input rate works (48000,
// 44100, ...). Without the low-pass, everything between 8 kHz and the input's Nyquist would fold
// onto the speech band. The Kaiser window (beta 8, about -80 dB stopband) over +-48 output samples
// (+-3 ms) gives a transition of about 0.6 kHz: flat to 7.3 kHz, gone by 8 kHz, because the
// model's filterbank uses the band up to 8 kHz. Cost: 288 multiply-adds per output sample at
// 48 kHz (4.6 M/s). Rates at or below 16 kHz pass through unchanged; the server resamples them.

const PHASES = 256;
const CUTOFF_HZ = 7650;
const TAPS_PER_OUTPUT_SIDE = 48; // half-width of the kernel, in output samples
const KAISER_BETA = 8;

class PcmDownsampler extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const settings = options.processorOptions || {};
    const target = settings.targetRate || 16000;
    this.outRate = Math.min(target, sampleRate);
    this.step = sampleRate / this.outRate; // input samples per output sample
    this.chunk = new Int16Array(Math.round((this.outRate * (settings.chunkMs || 100)) / 1000));
    this.filled = 0;

    if (this.step > 1) {
      this.half = Math.ceil(TAPS_PER_OUTPUT_SIDE * this.step);
      this.table = makeKernels(this.half, CUTOFF_HZ / sampleRate);
    } else {
      this.half = 0;
    }

    // Input history; index 0 of `buffer` is input sample `bufferStart`. Starts with `half`
    // zeros so that the first outputs see silence before the stream, not garbage.
    this.buffer = new Float32Array(8192);
    this.bufferStart = -this.half;
    this.bufferLength = this.half;
    this.next = 0; // input position (fractional) of the next output sample

    this.port.onmessage = (event) => {
      if (event.data && event.data.type === 'flush') {
        this.postChunk(this.filled);
        this.port.postMessage({ type: 'flushed' });
      }
    };
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) {
      return true; // nothing connected yet
    }

    const frames = input[0].length;
    this.reserve(frames);
    const base = this.bufferLength;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < input.length; c++) {
        sum += input[c][i];
      }
      this.buffer[base + i] = sum / input.length; // mono: the mean of the channels
    }
    this.bufferLength += frames;

    if (this.step === 1) {
      for (let i = 0; i < frames; i++) {
        this.push(this.buffer[base + i]);
      }
      this.bufferLength = 0;
      this.bufferStart += base + frames;
      return true;
    }

    const end = this.bufferStart + this.bufferLength; // one past the last input sample held
    while (this.next + this.half + 1 < end) { // the kernel may round up to the next center
      this.push(this.filterAt(this.next));
      this.next += this.step;
    }
    return true;
  }

  /** The low-passed input at fractional position t (absolute input index). */
  filterAt(t) {
    let center = Math.floor(t);
    let phase = Math.round((t - center) * PHASES);
    if (phase === PHASES) {
      center += 1;
      phase = 0;
    }
    const kernel = this.table[phase];
    const first = center - this.half + 1 - this.bufferStart; // buffer index of tap 0
    let sum = 0;
    for (let j = 0; j < kernel.length; j++) {
      sum += this.buffer[first + j] * kernel[j];
    }
    return sum;
  }

  /** Room for `frames` more samples: drops the history no output needs any more, grows if still short. */
  reserve(frames) {
    const keepFrom = Math.floor(this.next) - this.half; // first input sample still needed
    const drop = Math.max(0, Math.min(keepFrom - this.bufferStart, this.bufferLength));
    if (drop > 0 && this.bufferLength + frames > this.buffer.length) {
      this.buffer.copyWithin(0, drop, this.bufferLength);
      this.bufferLength -= drop;
      this.bufferStart += drop;
    }
    if (this.bufferLength + frames > this.buffer.length) {
      const larger = new Float32Array(Math.max(this.buffer.length * 2, this.bufferLength + frames));
      larger.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = larger;
    }
  }

  push(value) {
    const clamped = value > 1 ? 1 : value < -1 ? -1 : value;
    this.chunk[this.filled++] = Math.round(clamped < 0 ? clamped * 32768 : clamped * 32767);
    if (this.filled === this.chunk.length) {
      this.postChunk(this.filled);
    }
  }

  postChunk(count) {
    if (count === 0) {
      return;
    }
    const out = this.chunk.slice(0, count);
    this.port.postMessage(out.buffer, [out.buffer]);
    this.filled = 0;
  }
}

/**
 * PHASES + 1 kernels of 2 * half taps: kernel p holds the low-pass (cutoff `fc` cycles per input
 * sample) at offsets j - p / PHASES for taps j = -half + 1 .. half, each scaled to unit DC gain.
 */
function makeKernels(half, fc) {
  const table = [];
  for (let p = 0; p <= PHASES; p++) {
    const frac = p / PHASES;
    const kernel = new Float32Array(2 * half);
    let total = 0;
    for (let i = 0; i < kernel.length; i++) {
      const d = i - half + 1 - frac; // distance from the output position, in input samples
      const x = 2 * fc * d;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = d / half;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / besselI0(KAISER_BETA);
      kernel[i] = 2 * fc * sinc * w;
      total += kernel[i];
    }
    for (let i = 0; i < kernel.length; i++) {
      kernel[i] /= total;
    }
    table.push(kernel);
  }
  return table;
}

/** The modified Bessel function of the first kind, order 0 (its power series; converges fast for the betas used). */
function besselI0(x) {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) {
      break;
    }
  }
  return sum;
}

registerProcessor('pcm-downsampler', PcmDownsampler);
