/**
 * The neuron lab's picture of a fully-connected network: every unit a ball, every weight a line,
 * layers side by side (a square input layer as a sheet). three.js draws it in WebGL, with
 * OrbitControls (drag to orbit; Ctrl/⌘ + scroll or pinch to zoom, while a plain wheel scrolls the
 * page) and a click on a ball to open that unit; where WebGL is unavailable, `network2d` draws the
 * same network in SVG.
 *
 *   const view = networkView(LAB_LAYERS, {width, height: 480});
 *   view.update({a, layers: network.layers, wires: "all", delta});   // colours from one forward pass
 *   view.play(1.2);                                                  // that sample's pulse: up, then its gradient back
 *   view.addEventListener("input", () => view.value);                // {layer, index} of the opened unit
 *
 * Colours: a wire's colour is the sign of aᵢ·wⱼᵢ (its push on the target: the palette's positive
 * weight colour pushes up, the negative one pulls down) and its opacity |aᵢ·wⱼᵢ| relative to the
 * largest in its layer; a ball's size and colour are its activation. Wires: 256·16 + 16·12 + 12·10
 * = 4,408 for the lab, drawn as one LineSegments with per-vertex RGBA colours; balls are one
 * InstancedMesh, the output balls carry their digit as a sprite.
 *
 * Frame rate: while anything moves (a pulse, an orbit, `continuous`) the canvas's pixel ratio
 * adapts to hold about 30 fps; when the picture comes to rest it is drawn once more at full
 * resolution (`pixelRatio` reports both).
 */
import * as THREE from "three";
import {OrbitControls} from "three/examples/jsm/controls/OrbitControls.js";
import * as d3 from "d3";
import type {Layer} from "../nn/index.js";
import {palette as currentPalette, type Palette} from "./palette.js";

export type WireMode = "all" | "strongest" | "opened";

export interface OpenedUnit {
  /** 0 = input layer, 1 … L. */
  layer: number;
  index: number;
}

export interface ViewState {
  /** a⁽ˡ⁾ for l = 0 … L (a⁽⁰⁾ the input). */
  a: ArrayLike<number>[];
  /** The network's layers (weights fanOut × fanIn, row-major). */
  layers: readonly Layer[];
  wires: WireMode;
  /** Wires kept per target unit in "strongest" mode. */
  k?: number;
  /** δ⁽ˡ⁾ for l = 1 … L, for the backward pulse (optional). */
  delta?: ArrayLike<number>[];
}

export interface NetworkView extends HTMLElement {
  /** The opened unit, or null. Set by a click; `input` is dispatched. */
  value: OpenedUnit | null;
  /** "webgl" or "svg". */
  readonly renderer: "webgl" | "svg";
  update(state: ViewState): void;
  /** Lights one wire (source index in layer − 1 → target in layer), or none with null. */
  highlight(wire: {layer: number; source: number; target: number} | null): void;
  /** The wire lit by `highlight`, or null. */
  readonly highlighted: {layer: number; source: number; target: number} | null;
  /**
   * Plays the latest state's pulse: the forward signal layer by layer (first half), then, with
   * deltas, the gradient back from the outputs (second half); `seconds` for the whole; 0 plays
   * none. A pulse always plays to its end: a play() while one plays waits for it (only the newest waits).
   */
  play(seconds: number): void;
  /** Pulse counters (started, completed, deferred: had to wait, dropped: replaced while waiting) and the playing one's progress in [0, 1]. */
  readonly pulse: {started: number; completed: number; deferred: number; dropped: number; playing: boolean; progress: number | null; waiting: boolean};
  /** Client (viewport) coordinates of a unit's centre as drawn now, or null when it is behind the camera. For tests and tours. */
  screenPosition(layer: number, index: number): {x: number; y: number} | null;
  /** The output units' labels as drawn, with client coordinates (WebGL; [] for SVG, whose labels are text). */
  readonly outputLabels: {label: string; unit: number; x: number; y: number; ink: string}[];
  /** Pixel ratio now, at full resolution, of the last frame drawn; canvas buffer and CSS width (WebGL). */
  readonly pixelRatio: {current: number; full: number; lastFrame: number; canvasWidth: number; cssWidth: number};
  /** Frames drawn in the last whole second (WebGL only; NaN otherwise). */
  readonly fps: number;
  /** Frames drawn since the view was made (WebGL; 0 for SVG). */
  readonly framesDrawn: number;
  /**
   * Draw every animation frame (true) or only when something changed (false, the default: the
   * picture costs nothing while nobody moves it). The bench sets it to measure the frame rate.
   */
  continuous: boolean;
  /** Adapt the pixel ratio while animating (true, the default); false keeps full resolution (the bench compares both). */
  adaptive: boolean;
  /** Stops the render loop and frees GPU memory. */
  dispose(): void;
}

/** Unit positions: input layer a square sheet, hidden layers near-square grids, the output a column. */
export function layout(sizes: number[]): Float32Array[] {
  const gap = 12;
  return sizes.map((n, l) => {
    const out = new Float32Array(n * 3);
    const side = l === sizes.length - 1 ? 1 : Math.ceil(Math.sqrt(n));
    const rows = Math.ceil(n / side);
    const spacing = l === 0 ? 1 : l === sizes.length - 1 ? 1.8 : 2.6;
    for (let i = 0; i < n; i++) {
      const col = i % side,
        row = Math.floor(i / side);
      out[i * 3] = l * gap + (l === 0 ? 0 : 0);
      out[i * 3 + 1] = ((rows - 1) / 2 - row) * spacing;
      out[i * 3 + 2] = (col - (side - 1) / 2) * spacing;
    }
    return out;
  });
}

/** True when this browser can create a WebGL context. */
export function webglAvailable(): boolean {
  try {
    const canvas = document.createElement("canvas");
    return !!(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

/** Per layer: which wires are drawn and with what signed strength (aᵢ·wⱼᵢ), normalised to [−1, 1]. */
export function wireStrengths(state: ViewState, opened: OpenedUnit | null): Float32Array[] {
  const {a, layers, wires, k = 8} = state;
  return layers.map((layer, l) => {
    const {fanIn, fanOut, weights} = layer;
    const out = new Float32Array(fanIn * fanOut);
    const input = a[l];
    let max = 1e-9;
    for (let j = 0; j < fanOut; j++)
      for (let i = 0; i < fanIn; i++) {
        const c = input[i] * weights[j * fanIn + i];
        out[j * fanIn + i] = c;
        max = Math.max(max, Math.abs(c));
      }
    for (let q = 0; q < out.length; q++) out[q] /= max;
    if (wires === "strongest") {
      for (let j = 0; j < fanOut; j++) {
        const row = out.subarray(j * fanIn, (j + 1) * fanIn);
        const cut = Array.from(row, Math.abs).sort((x, y) => y - x)[Math.min(k, fanIn) - 1] ?? 0;
        for (let i = 0; i < fanIn; i++) if (Math.abs(row[i]) < cut || row[i] === 0) row[i] = 0;
      }
    } else if (wires === "opened") {
      for (let j = 0; j < fanOut; j++)
        for (let i = 0; i < fanIn; i++) {
          const into = opened && opened.layer === l + 1 && opened.index === j;
          const from = opened && opened.layer === l && opened.index === i;
          if (!into && !from) out[j * fanIn + i] = 0;
        }
    }
    return out;
  });
}

const activationMax = (a: ArrayLike<number>) => Math.max(1e-9, ...Array.from(a, Math.abs));

/** The WebGL view, or the SVG fallback (with a note saying why) when WebGL is unavailable. */
export function networkView(sizes: number[], options: {width: number; height: number}): NetworkView {
  return webglAvailable() ? network3d(sizes, options) : network2d(sizes, options);
}

export function network3d(sizes: number[], {width, height}: {width: number; height: number}): NetworkView {
  const root = document.createElement("div") as unknown as NetworkView & HTMLDivElement;
  root.className = "network-view";
  root.dataset.renderer = "webgl";
  root.style.position = "relative";
  const pos = layout(sizes);
  const L = sizes.length - 1;
  const total = sizes.reduce((s, n) => s + n, 0);
  const offsets = sizes.map((_, l) => sizes.slice(0, l).reduce((s, n) => s + n, 0));
  const wireCount = sizes.slice(1).reduce((s, n, l) => s + n * sizes[l], 0);

  // Full resolution: the screen's pixel ratio (at most 2). While the scene animates the ratio
  // adapts to hold the frame rate (see `adapt`); at rest the picture is drawn at full resolution.
  const fullRatio = Math.min(2, window.devicePixelRatio || 1);
  const minRatio = Math.min(fullRatio, 0.35);
  let ratio = fullRatio,
    lastFrameRatio = fullRatio;
  const renderer = new THREE.WebGLRenderer({antialias: false, alpha: true, powerPreference: "high-performance"});
  renderer.setPixelRatio(ratio);
  renderer.setSize(width, height);
  const canvas = renderer.domElement;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `3D view of a ${sizes.join("–")} network: drag to orbit, Ctrl or ⌘ + scroll (or pinch) to zoom, click a ball to open its unit`);
  canvas.tabIndex = 0;
  root.append(canvas);
  // Shown for a moment when a plain wheel passes over the picture (it scrolls the page instead).
  const hint = document.createElement("div");
  hint.className = "network-zoom-hint";
  hint.dataset.metric = "zoom-hint";
  hint.textContent = "Hold Ctrl (⌘ on a Mac) and scroll, or pinch, to zoom";
  hint.style.cssText =
    "position:absolute;left:50%;top:0.75rem;transform:translateX(-50%);padding:0.3rem 0.7rem;border-radius:4px;font:13px/1.3 var(--sans-serif);background:var(--theme-foreground);color:var(--theme-background);pointer-events:none;opacity:0;transition:opacity 0.2s";
  root.append(hint);

  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(40, width / height, 0.1, 500);
  const centreX = ((sizes.length - 1) * 12) / 2;
  camera.position.set(centreX - 14, 12, 40);
  const controls = new OrbitControls(camera, canvas);
  controls.target.set(centreX, 0, 0);
  controls.enableDamping = true;
  controls.update();
  scene.add(new THREE.AmbientLight(0xffffff, 1.6));
  const sun = new THREE.DirectionalLight(0xffffff, 1.6);
  sun.position.set(10, 20, 30);
  scene.add(sun);

  // Balls.
  // 10 × 6 segments: round enough at these sizes, and under software WebGL (SwiftShader) the balls
  // cost about a third less to draw than at 12 × 8 (measured: 18.9 → 22.6 fps with every wire drawn).
  const ball = new THREE.SphereGeometry(1, 10, 6);
  const material = new THREE.MeshLambertMaterial();
  const balls = new THREE.InstancedMesh(ball, material, total);
  balls.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(total * 3), 3);
  scene.add(balls);

  // Wires: two vertices each, RGBA per vertex.
  const wirePositions = new Float32Array(wireCount * 6);
  const wireColors = new Float32Array(wireCount * 8);
  const wireStart: number[] = [];
  {
    let w = 0;
    for (let l = 1; l < sizes.length; l++) {
      wireStart.push(w);
      for (let j = 0; j < sizes[l]; j++)
        for (let i = 0; i < sizes[l - 1]; i++, w++) {
          wirePositions.set(pos[l - 1].subarray(i * 3, i * 3 + 3), w * 6);
          wirePositions.set(pos[l].subarray(j * 3, j * 3 + 3), w * 6 + 3);
        }
    }
  }
  const wireGeometry = new THREE.BufferGeometry();
  wireGeometry.setAttribute("position", new THREE.BufferAttribute(wirePositions, 3));
  const colorAttribute = new THREE.BufferAttribute(wireColors, 4);
  wireGeometry.setAttribute("color", colorAttribute);
  const wireMaterial = new THREE.LineBasicMaterial({vertexColors: true, transparent: true, depthWrite: false});
  const wireMesh = new THREE.LineSegments(wireGeometry, wireMaterial);
  scene.add(wireMesh);

  // The lit wire (hovered bar) and the ring around the opened unit.
  const litGeometry = new THREE.BufferGeometry();
  litGeometry.setAttribute("position", new THREE.BufferAttribute(new Float32Array(6), 3));
  const litMaterial = new THREE.LineBasicMaterial();
  const lit = new THREE.LineSegments(litGeometry, litMaterial);
  lit.visible = false;
  scene.add(lit);
  const ring = new THREE.Mesh(new THREE.TorusGeometry(1, 0.08, 8, 32), new THREE.MeshBasicMaterial());
  ring.visible = false;
  scene.add(ring);

  // The output balls' digit labels: one sprite each, just past its ball along the layer axis.
  const labels = Array.from({length: sizes[L]}, (_, i) => {
    const c = document.createElement("canvas");
    c.width = c.height = 64;
    const texture = new THREE.CanvasTexture(c);
    texture.colorSpace = THREE.SRGBColorSpace;
    const sprite = new THREE.Sprite(new THREE.SpriteMaterial({map: texture, transparent: true, depthWrite: false}));
    sprite.position.set(pos[L][i * 3] + 1.8, pos[L][i * 3 + 1], pos[L][i * 3 + 2]);
    sprite.scale.set(1.4, 1.4, 1);
    sprite.userData.label = String(i);
    scene.add(sprite);
    return {canvas: c, texture, sprite};
  });
  let labelInk = "";
  function drawLabels(ink: string) {
    if (ink === labelInk) return;
    labelInk = ink;
    labels.forEach(({canvas: c, texture, sprite}) => {
      const g = c.getContext("2d");
      if (!g) return;
      g.clearRect(0, 0, c.width, c.height);
      g.fillStyle = ink;
      g.font = "600 44px system-ui, sans-serif";
      g.textAlign = "center";
      g.textBaseline = "middle";
      g.fillText(sprite.userData.label, 32, 34);
      texture.needsUpdate = true;
    });
  }

  /** The latest state (from update); `drawn` is what the picture shows: a pulse's own state while it plays. */
  let state: ViewState | null = null;
  let drawn: ViewState | null = null;
  let strengths: Float32Array[] = [];
  let pal: Palette = currentPalette();
  let opened: OpenedUnit | null = null;
  // The pulse: one sample's forward signal (first half), then its gradient coming back (second half).
  // A pulse always plays to its end: a play() that comes while one is playing waits for it (only
  // the newest waits), so a pulse is never cut short by the next update.
  let pulse: {start: number; seconds: number} | null = null;
  let pending: {seconds: number; state: ViewState} | null = null;
  const pulses = {started: 0, completed: 0, deferred: 0, dropped: 0};
  let frames = 0,
    framesDrawn = 0,
    fps = NaN,
    fpsClock = performance.now();
  const tmp = new THREE.Matrix4(),
    colour = new THREE.Color(),
    bg = new THREE.Color();
  const progress = (now = performance.now()) => (pulse ? (now - pulse.start) / 1000 / pulse.seconds : Infinity);

  function colourBalls() {
    if (!drawn) return;
    bg.set(pal.background);
    const high = new THREE.Color(pal.activationHigh);
    const t = progress();
    for (let l = 0; l < sizes.length; l++) {
      const a = drawn.a[l],
        m = l === 0 ? 1 : activationMax(a);
      // During a forward pulse, layers light up one after another (first half of the pulse).
      const reach = t < 0.5 ? Math.max(0, Math.min(1, t * 2 * sizes.length - l)) : 1;
      for (let i = 0; i < sizes[l]; i++) {
        const v = Math.max(0, Math.min(1, a[i] / m)) * reach;
        const base = l === 0 ? 0.42 : l === L ? 0.55 : 0.7;
        const r = base * (l === 0 ? 1 : 0.55 + 0.6 * v);
        tmp.makeScale(r, r, r).setPosition(pos[l][i * 3], pos[l][i * 3 + 1], pos[l][i * 3 + 2]);
        balls.setMatrixAt(offsets[l] + i, tmp);
        colour.copy(bg).lerp(high, 0.12 + 0.88 * v);
        balls.setColorAt(offsets[l] + i, colour);
      }
    }
    balls.instanceMatrix.needsUpdate = true;
    balls.instanceColor!.needsUpdate = true;
    // The bounds three.js uses to cull and to raycast follow the balls as they are drawn now
    // (left alone, they would keep the first frame's: every ball at the origin).
    balls.computeBoundingSphere();
    balls.computeBoundingBox();
  }

  function colourWires() {
    if (!drawn) return;
    const positive = new THREE.Color(pal.weightPositive),
      negative = new THREE.Color(pal.weightNegative);
    const t = progress();
    for (let l = 0; l < L; l++) {
      const s = strengths[l];
      // Forward half: layer l's wires appear when the signal reaches them. Backward half: δ pulses.
      const reach = t < 0.5 ? Math.max(0, Math.min(1, t * 2 * (L + 1) - l - 0.5)) : 1;
      const back = drawn.delta && t >= 0.5 && t < 1 ? Math.max(0, 1 - Math.abs((1 - t) * 2 * L - l - 0.5)) : 0;
      const d = drawn.delta?.[l];
      const dMax = d ? activationMax(d) : 1;
      for (let q = 0, w = wireStart[l]; q < s.length; q++, w++) {
        let v = s[q] * reach;
        if (back && d) {
          // Backward: the wire carries −δⱼ of its target (the way the target must move to lower the loss).
          const j = Math.floor(q / sizes[l]);
          v = v * (1 - back) - back * (d[j] / dMax) * Math.min(1, Math.abs(s[q]) * 4 + 0.2);
        }
        const c = v >= 0 ? positive : negative;
        const alpha = Math.min(1, Math.abs(v) * (l === 0 ? 0.9 : 1));
        wireColors[w * 8] = wireColors[w * 8 + 4] = c.r;
        wireColors[w * 8 + 1] = wireColors[w * 8 + 5] = c.g;
        wireColors[w * 8 + 2] = wireColors[w * 8 + 6] = c.b;
        wireColors[w * 8 + 3] = wireColors[w * 8 + 7] = alpha;
      }
    }
    colorAttribute.needsUpdate = true;
  }

  /** Recomputes everything drawn from `drawn` (strengths, colours, ring, labels). */
  function redraw() {
    dirty = true;
    pal = currentPalette();
    drawLabels(pal.activationHigh);
    if (drawn) strengths = wireStrengths(drawn, opened);
    colourBalls();
    colourWires();
    placeRing();
  }

  function startPulse(seconds: number, from: ViewState) {
    pulse = {start: performance.now(), seconds};
    pulses.started++;
    drawn = from;
    redraw();
  }

  let running = true,
    dirty = true,
    continuous = false,
    adaptive = true,
    moving = false;
  controls.addEventListener("change", () => {
    dirty = true;
    moving = true;
  });

  // Adaptive resolution: frame intervals of consecutive animated frames; every 8 of them the
  // pixel ratio moves toward what holds about 30 fps (drawing cost grows with the ratio squared).
  // At rest the picture is drawn once at full resolution; the next animation (the next pulse,
  // the next drag) starts again at the ratio the last one settled on.
  const TARGET_FPS = 30;
  let intervals: number[] = [];
  let animRatio = fullRatio;
  let lastRender = -Infinity,
    lastAnimated = -Infinity,
    previousAnimated = false;
  function setRatio(r: number) {
    r = Math.round(Math.max(minRatio, Math.min(fullRatio, r)) * 20) / 20;
    if (r === ratio) return;
    ratio = r;
    renderer.setPixelRatio(ratio);
    renderer.setSize(width, height);
    intervals = [];
  }
  function adapt(now: number) {
    if (!adaptive) return setRatio(fullRatio);
    if (previousAnimated) intervals.push(now - lastRender);
    if (intervals.length < 8) return;
    const mean = intervals.reduce((s, v) => s + v, 0) / intervals.length;
    const rate = 1000 / mean;
    intervals = [];
    if (rate < TARGET_FPS) setRatio(ratio * Math.max(0.6, Math.sqrt(rate / (TARGET_FPS * 1.15))));
    else if (rate > TARGET_FPS * 1.6 && ratio < fullRatio) setRatio(ratio * 1.1);
  }

  function frame(now: number) {
    if (!running) return;
    requestAnimationFrame(frame);
    now = performance.now();
    if (pulse) {
      if (progress(now) >= 1) {
        pulse = null;
        pulses.completed++;
        if (pending) {
          const next = pending;
          pending = null;
          startPulse(next.seconds, next.state);
        } else {
          drawn = state;
          redraw();
        }
      } else {
        colourBalls();
        colourWires();
        dirty = true;
      }
    }
    moving = false;
    controls.update(); // sets `moving` (through "change") while a drag or its damping goes on
    const animating = !!pulse || moving || continuous;
    if (!animating && !dirty) {
      // At rest: once nothing has moved for a moment, one frame at full resolution.
      if (ratio !== fullRatio && now - lastAnimated > 250) {
        animRatio = ratio;
        setRatio(fullRatio);
        dirty = true;
      } else return;
    }
    if (animating) {
      if (!previousAnimated && adaptive && now - lastAnimated > 250) setRatio(animRatio);
      adapt(now);
      lastAnimated = now;
    }
    previousAnimated = animating;
    lastRender = now;
    dirty = false;
    renderer.render(scene, camera);
    lastFrameRatio = ratio;
    frames++;
    framesDrawn++;
    if (now - fpsClock >= 1000) {
      fps = (frames * 1000) / (now - fpsClock);
      frames = 0;
      fpsClock = now;
    }
  }
  requestAnimationFrame(frame);

  // Plain wheel scrolls the page; Ctrl/⌘ + wheel (and a trackpad pinch, which the browser sends
  // as Ctrl + wheel) zooms. Stopped here, in the capture phase, before OrbitControls sees it.
  let hintTimer: ReturnType<typeof setTimeout> | undefined;
  root.addEventListener(
    "wheel",
    (e) => {
      if (e.ctrlKey || e.metaKey) return;
      e.stopPropagation();
      hint.style.opacity = "0.9";
      clearTimeout(hintTimer);
      hintTimer = setTimeout(() => (hint.style.opacity = "0"), 1200);
    },
    {capture: true},
  );

  // A click (press and release without moving more than a few pixels) on a ball opens its unit;
  // a drag orbits. The ray goes from the camera through the pointer's place in the canvas as laid
  // out now (its bounding rect, whatever CSS scaled it to) into the balls as drawn.
  const raycaster = new THREE.Raycaster();
  const ndc = new THREE.Vector2();
  const SLOP = 5;
  let down: {x: number; y: number; id: number; moved: boolean} | null = null;
  canvas.addEventListener("pointerdown", (e) => {
    down = e.button === 0 ? {x: e.clientX, y: e.clientY, id: e.pointerId, moved: false} : null;
  });
  canvas.addEventListener("pointermove", (e) => {
    if (down && e.pointerId === down.id && Math.hypot(e.clientX - down.x, e.clientY - down.y) > SLOP) down.moved = true;
  });
  canvas.addEventListener("pointerup", (e) => {
    const d = down;
    down = null;
    if (!d || e.pointerId !== d.id || d.moved || Math.hypot(e.clientX - d.x, e.clientY - d.y) > SLOP) return;
    const unit = pick(e.clientX, e.clientY);
    if (unit) open(unit);
  });
  canvas.addEventListener("pointercancel", () => (down = null));

  const unitOf = (instance: number): OpenedUnit => {
    let l = 0;
    while (l + 1 < offsets.length && offsets[l + 1] <= instance) l++;
    return {layer: l, index: instance - offsets[l]};
  };
  const project = new THREE.Vector3();
  /** Client coordinates of a unit's centre as drawn now, and whether it is in front of the camera. */
  function screenOf(layer: number, index: number, rect = canvas.getBoundingClientRect()) {
    camera.updateMatrixWorld();
    project.set(pos[layer][index * 3], pos[layer][index * 3 + 1], pos[layer][index * 3 + 2]).project(camera);
    return {x: rect.left + ((project.x + 1) / 2) * rect.width, y: rect.top + ((1 - project.y) / 2) * rect.height, visible: project.z > -1 && project.z < 1};
  }
  /** The unit under a client point: the nearest ball the ray hits, else the nearest centre within 8 px (small balls). */
  function pick(clientX: number, clientY: number): OpenedUnit | null {
    const rect = canvas.getBoundingClientRect();
    ndc.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    camera.updateMatrixWorld();
    raycaster.setFromCamera(ndc, camera);
    const hit = raycaster.intersectObject(balls, false).find((h) => h.instanceId !== undefined);
    if (hit) return unitOf(hit.instanceId!);
    let best: OpenedUnit | null = null,
      bestDistance = 8;
    for (let l = 0; l < sizes.length; l++)
      for (let i = 0; i < sizes[l]; i++) {
        const p = screenOf(l, i, rect);
        const distance = Math.hypot(p.x - clientX, p.y - clientY);
        if (p.visible && distance < bestDistance) {
          best = {layer: l, index: i};
          bestDistance = distance;
        }
      }
    return best;
  }

  function open(unit: OpenedUnit | null) {
    opened = unit;
    redraw();
    root.dispatchEvent(new Event("input", {bubbles: true}));
  }
  function placeRing() {
    dirty = true;
    ring.visible = !!opened;
    if (!opened) return;
    const p = pos[opened.layer];
    const r = opened.layer === 0 ? 0.75 : 1.25;
    ring.position.set(p[opened.index * 3], p[opened.index * 3 + 1], p[opened.index * 3 + 2]);
    ring.scale.set(r, r, r);
    ring.rotation.y = Math.PI / 2;
    (ring.material as THREE.MeshBasicMaterial).color.set(pal.activationHigh);
  }

  Object.defineProperty(root, "value", {
    get: () => opened,
    set: (v: OpenedUnit | null) => {
      opened = v;
      redraw();
    },
  });
  Object.defineProperty(root, "renderer", {value: "webgl"});
  Object.defineProperty(root, "fps", {get: () => fps});
  Object.defineProperty(root, "framesDrawn", {get: () => framesDrawn});
  Object.defineProperty(root, "continuous", {get: () => continuous, set: (v: boolean) => (continuous = v)});
  Object.defineProperty(root, "adaptive", {get: () => adaptive, set: (v: boolean) => (adaptive = v)});
  Object.defineProperty(root, "pixelRatio", {get: () => ({current: ratio, full: fullRatio, lastFrame: lastFrameRatio, canvasWidth: canvas.width, cssWidth: width})});
  Object.defineProperty(root, "pulse", {get: () => ({...pulses, playing: !!pulse, progress: pulse ? Math.min(1, progress()) : null, waiting: !!pending})});
  Object.defineProperty(root, "outputLabels", {
    get: () =>
      labels.map(({sprite}, i) => {
        camera.updateMatrixWorld();
        const p = project.copy(sprite.position).project(camera);
        const rect = canvas.getBoundingClientRect();
        return {label: sprite.userData.label as string, unit: i, x: rect.left + ((p.x + 1) / 2) * rect.width, y: rect.top + ((1 - p.y) / 2) * rect.height, ink: labelInk};
      }),
  });
  root.screenPosition = (layer, index) => {
    const p = screenOf(layer, index);
    return p.visible ? {x: p.x, y: p.y} : null;
  };
  root.update = (next: ViewState) => {
    state = next;
    if (pulse) return; // the pulse plays its own sample to the end; the newest state is drawn after it
    drawn = next;
    redraw();
  };
  root.highlight = (wire) => {
    dirty = true;
    lit.visible = !!wire;
    highlighted = wire;
    if (!wire) return;
    const p = lit.geometry.getAttribute("position") as THREE.BufferAttribute;
    (p.array as Float32Array).set(pos[wire.layer - 1].subarray(wire.source * 3, wire.source * 3 + 3), 0);
    (p.array as Float32Array).set(pos[wire.layer].subarray(wire.target * 3, wire.target * 3 + 3), 3);
    p.needsUpdate = true;
    litMaterial.color.set(pal.activationHigh);
  };
  let highlighted: {layer: number; source: number; target: number} | null = null;
  Object.defineProperty(root, "highlighted", {get: () => highlighted});
  root.play = (seconds) => {
    if (!(seconds > 0) || !state) {
      if (pending) pulses.dropped++;
      pending = null;
      return;
    }
    if (pulse) {
      if (pending) pulses.dropped++;
      pending = {seconds, state};
      pulses.deferred++;
      return;
    }
    startPulse(seconds, state);
  };
  root.dispose = () => {
    running = false;
    clearTimeout(hintTimer);
    controls.dispose();
    renderer.dispose();
    ball.dispose();
    wireGeometry.dispose();
    for (const {texture, sprite} of labels) {
      texture.dispose();
      sprite.material.dispose();
    }
  };
  return root;
}

/** The same network in SVG (no WebGL): the input sheet as a pixel grid, units as circles, wires as lines. */
export function network2d(sizes: number[], {width, height}: {width: number; height: number}): NetworkView {
  const root = document.createElement("div") as unknown as NetworkView & HTMLDivElement;
  root.className = "network-view";
  root.dataset.renderer = "svg";
  const note = document.createElement("p");
  note.className = "note";
  note.dataset.metric = "webgl-fallback";
  note.textContent = "This browser offers no WebGL, so the network is drawn flat in 2D: same units, same wires, same colours. Click a circle or a pixel to open it.";
  const svg = d3
    .create("svg")
    .attr("width", width)
    .attr("height", height)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img")
    .attr("aria-label", `2D view of a ${sizes.join("–")} network`)
    .style("max-width", "100%");
  root.append(note, svg.node()!);
  const L = sizes.length - 1;
  const sheet = Math.sqrt(sizes[0]);
  const cell = Math.min((height - 20) / sheet, width / 4 / sheet);
  const x = (l: number) => (l === 0 ? 10 : 10 + sheet * cell + ((width - 30 - sheet * cell) * l) / L);
  const point = (l: number, i: number): [number, number] => {
    if (l === 0) return [10 + ((i % sheet) + 0.5) * cell, 10 + (Math.floor(i / sheet) + 0.5) * cell];
    return [x(l), 10 + ((i + 0.5) * (height - 20)) / sizes[l]];
  };
  const wiresG = svg.append("g").attr("fill", "none");
  const unitsG = svg.append("g");
  const litLine = svg.append("line").attr("stroke-width", 2.5).attr("visibility", "hidden");
  let opened: OpenedUnit | null = null,
    state: ViewState | null = null;
  const units = sizes.flatMap((n, l) => d3.range(n).map((i) => ({l, i})));
  const shapes = unitsG
    .selectAll<SVGElement, {l: number; i: number}>("rect,circle")
    .data(units)
    .join((enter) => enter.append((d) => document.createElementNS("http://www.w3.org/2000/svg", d.l === 0 ? "rect" : "circle")))
    .each(function (d) {
      const [cx, cy] = point(d.l, d.i);
      if (d.l === 0)
        d3.select(this)
          .attr("x", cx - cell / 2)
          .attr("y", cy - cell / 2)
          .attr("width", cell)
          .attr("height", cell);
      else
        d3.select(this)
          .attr("cx", cx)
          .attr("cy", cy)
          .attr("r", Math.min(9, (height - 20) / sizes[d.l] / 2.4));
    })
    .attr("stroke", "currentColor")
    .attr("stroke-opacity", 0.35)
    .style("cursor", "pointer")
    .on("click", (_, d) => {
      opened = {layer: d.l, index: d.i};
      root.dispatchEvent(new Event("input", {bubbles: true}));
      if (state) root.update(state);
    });
  Object.defineProperty(root, "value", {
    get: () => opened,
    set: (v: OpenedUnit | null) => {
      opened = v;
      if (state) root.update(state);
    },
  });
  Object.defineProperty(root, "renderer", {value: "svg"});
  Object.defineProperty(root, "fps", {get: () => NaN});
  Object.defineProperty(root, "framesDrawn", {get: () => 0});
  Object.defineProperty(root, "continuous", {value: false, writable: true});
  Object.defineProperty(root, "adaptive", {value: false, writable: true});
  root.update = (next) => {
    state = next;
    const pal = currentPalette();
    const strengths = wireStrengths(next, opened);
    const lines: {l: number; i: number; j: number; s: number}[] = [];
    strengths.forEach((s, l) => {
      for (let q = 0; q < s.length; q++) if (Math.abs(s[q]) > 0.02) lines.push({l: l + 1, i: q % sizes[l], j: Math.floor(q / sizes[l]), s: s[q]});
    });
    wiresG
      .selectAll("line")
      .data(lines)
      .join("line")
      .attr("x1", (d) => point(d.l - 1, d.i)[0])
      .attr("y1", (d) => point(d.l - 1, d.i)[1])
      .attr("x2", (d) => point(d.l, d.j)[0])
      .attr("y2", (d) => point(d.l, d.j)[1])
      .attr("stroke", (d) => (d.s >= 0 ? pal.weightPositive : pal.weightNegative))
      .attr("stroke-opacity", (d) => Math.abs(d.s));
    const m = next.a.map((a, l) => (l === 0 ? 1 : activationMax(a)));
    const ink = d3.interpolateLab(pal.background, pal.activationHigh);
    shapes
      .attr("fill", (d) => ink(0.12 + 0.88 * Math.max(0, Math.min(1, next.a[d.l][d.i] / m[d.l]))))
      .attr("stroke-width", (d) => (opened && opened.layer === d.l && opened.index === d.i ? 3 : 1))
      .attr("stroke-opacity", (d) => (opened && opened.layer === d.l && opened.index === d.i ? 1 : 0.35));
  };
  let highlighted: {layer: number; source: number; target: number} | null = null;
  Object.defineProperty(root, "highlighted", {get: () => highlighted});
  root.highlight = (wire) => {
    highlighted = wire;
    litLine.attr("visibility", wire ? "visible" : "hidden").attr("stroke", currentPalette().activationHigh);
    if (!wire) return;
    const [x1, y1] = point(wire.layer - 1, wire.source),
      [x2, y2] = point(wire.layer, wire.target);
    litLine.attr("x1", x1).attr("y1", y1).attr("x2", x2).attr("y2", y2);
  };
  root.play = () => {};
  Object.defineProperty(root, "pulse", {get: () => ({started: 0, completed: 0, deferred: 0, dropped: 0, playing: false, progress: null, waiting: false})});
  Object.defineProperty(root, "outputLabels", {get: () => []});
  Object.defineProperty(root, "pixelRatio", {get: () => ({current: 1, full: 1, lastFrame: 1, canvasWidth: width, cssWidth: width})});
  root.screenPosition = (layer, index) => {
    const node = shapes.filter((d) => d.l === layer && d.i === index).node();
    if (!node) return null;
    const r = node.getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2};
  };
  root.dispose = () => {};
  return root;
}
