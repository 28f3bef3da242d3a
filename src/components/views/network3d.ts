/**
 * The neuron lab's picture of a fully-connected network: every unit a ball, every weight a line,
 * layers side by side (a square input layer as a sheet). three.js draws it in WebGL, with
 * OrbitControls (drag to orbit, scroll or pinch to zoom) and a click on a ball to open that unit;
 * where WebGL is unavailable, `network2d` draws the same network in SVG.
 *
 *   const view = network3d(LAB_LAYERS, {width, height: 480});
 *   view.update({trace, layers: network.layers, wires: "all"});   // colours from one forward pass
 *   view.addEventListener("input", () => view.value);              // {layer, index} of the opened unit
 *
 * Colours: a wire's colour is the sign of aᵢ·wⱼᵢ (its push on the target: the palette's positive
 * weight colour pushes up, the negative one pulls down) and its opacity |aᵢ·wⱼᵢ| relative to the
 * largest in its layer; a ball's size and colour are its activation. Wires: 256·16 + 16·12 + 12·10
 * = 4,408 for the lab, drawn as one LineSegments with per-vertex RGBA colours; balls are one InstancedMesh.
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
  /** Plays a forward pulse, then (with deltas) a backward one; `seconds` for the whole; 0 skips it. */
  play(seconds: number): void;
  /** Frames drawn in the last whole second (WebGL only; NaN otherwise). */
  readonly fps: number;
  /**
   * Draw every animation frame (true) or only when something changed (false, the default: the
   * picture costs nothing while nobody moves it). The bench sets it to measure the frame rate.
   */
  continuous: boolean;
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
  const pos = layout(sizes);
  const total = sizes.reduce((s, n) => s + n, 0);
  const offsets = sizes.map((_, l) => sizes.slice(0, l).reduce((s, n) => s + n, 0));
  const wireCount = sizes.slice(1).reduce((s, n, l) => s + n * sizes[l], 0);

  const renderer = new THREE.WebGLRenderer({antialias: false, alpha: true, powerPreference: "high-performance"});
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
  renderer.setSize(width, height);
  renderer.domElement.setAttribute("role", "img");
  renderer.domElement.setAttribute("aria-label", `3D view of a ${sizes.join("–")} network: drag to orbit, scroll to zoom, click a ball to open its unit`);
  renderer.domElement.tabIndex = 0;
  root.append(renderer.domElement);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(40, width / height, 0.1, 500);
  const centreX = ((sizes.length - 1) * 12) / 2;
  camera.position.set(centreX - 14, 12, 40);
  const controls = new OrbitControls(camera, renderer.domElement);
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

  let state: ViewState | null = null;
  let strengths: Float32Array[] = [];
  let pal: Palette = currentPalette();
  let opened: OpenedUnit | null = null;
  let pulseStart = -Infinity,
    pulseSeconds = 0;
  let frames = 0,
    fps = NaN,
    fpsClock = performance.now();
  const tmp = new THREE.Matrix4(),
    colour = new THREE.Color(),
    bg = new THREE.Color();

  function colourBalls() {
    if (!state) return;
    bg.set(pal.background);
    const high = new THREE.Color(pal.activationHigh);
    const t = pulseSeconds > 0 ? (performance.now() - pulseStart) / 1000 / pulseSeconds : Infinity;
    for (let l = 0; l < sizes.length; l++) {
      const a = state.a[l],
        m = l === 0 ? 1 : activationMax(a);
      // During a forward pulse, layers light up one after another (first half of the pulse).
      const reach = t < 0.5 ? Math.max(0, Math.min(1, t * 2 * sizes.length - l)) : 1;
      for (let i = 0; i < sizes[l]; i++) {
        const v = Math.max(0, Math.min(1, a[i] / m)) * reach;
        const base = l === 0 ? 0.42 : l === sizes.length - 1 ? 0.55 : 0.7;
        const r = base * (l === 0 ? 1 : 0.55 + 0.6 * v);
        tmp.makeScale(r, r, r).setPosition(pos[l][i * 3], pos[l][i * 3 + 1], pos[l][i * 3 + 2]);
        balls.setMatrixAt(offsets[l] + i, tmp);
        colour.copy(bg).lerp(high, 0.12 + 0.88 * v);
        balls.setColorAt(offsets[l] + i, colour);
      }
    }
    balls.instanceMatrix.needsUpdate = true;
    balls.instanceColor!.needsUpdate = true;
  }

  function colourWires() {
    if (!state) return;
    const positive = new THREE.Color(pal.weightPositive),
      negative = new THREE.Color(pal.weightNegative);
    const t = pulseSeconds > 0 ? (performance.now() - pulseStart) / 1000 / pulseSeconds : Infinity;
    const L = sizes.length - 1;
    for (let l = 0; l < L; l++) {
      const s = strengths[l];
      // Forward half: layer l's wires appear when the signal reaches them. Backward half: δ pulses.
      const reach = t < 0.5 ? Math.max(0, Math.min(1, t * 2 * (L + 1) - l - 0.5)) : 1;
      const back = state.delta && t >= 0.5 && t < 1 ? Math.max(0, 1 - Math.abs((1 - t) * 2 * L - l - 0.5)) : 0;
      const d = state.delta?.[l];
      const dMax = d ? activationMax(d) : 1;
      for (let q = 0, w = wireStart[l]; q < s.length; q++, w++) {
        let v = s[q] * reach;
        if (back && d) {
          // Backward: the wire carries the blame δⱼ of its target (sign: which way the target must move).
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

  let running = true,
    dirty = true,
    continuous = false;
  controls.addEventListener("change", () => (dirty = true));
  function frame() {
    if (!running) return;
    requestAnimationFrame(frame);
    const now = performance.now();
    if (pulseSeconds > 0 && now - pulseStart < pulseSeconds * 1000 + 50) {
      colourBalls();
      colourWires();
      dirty = true;
    }
    controls.update();
    if (!dirty && !continuous) return;
    dirty = false;
    renderer.render(scene, camera);
    frames++;
    if (now - fpsClock >= 1000) {
      fps = (frames * 1000) / (now - fpsClock);
      frames = 0;
      fpsClock = now;
    }
  }
  requestAnimationFrame(frame);

  // A click (not a drag) on a ball opens its unit.
  const raycaster = new THREE.Raycaster();
  let down: {x: number; y: number} | null = null;
  renderer.domElement.addEventListener("pointerdown", (e) => (down = {x: e.clientX, y: e.clientY}));
  renderer.domElement.addEventListener("pointerup", (e) => {
    if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
    const rect = renderer.domElement.getBoundingClientRect();
    raycaster.setFromCamera(new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1), camera);
    const hit = raycaster.intersectObject(balls)[0];
    if (hit?.instanceId === undefined) return;
    let l = 0;
    while (l + 1 < offsets.length && offsets[l + 1] <= hit.instanceId) l++;
    open({layer: l, index: hit.instanceId - offsets[l]});
  });

  function open(unit: OpenedUnit | null) {
    opened = unit;
    root.dispatchEvent(new Event("input", {bubbles: true}));
    placeRing();
    if (state) root.update(state);
  }
  function placeRing() {
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
      placeRing();
      dirty = true;
      if (state) root.update(state);
    },
  });
  Object.defineProperty(root, "renderer", {value: "webgl"});
  Object.defineProperty(root, "fps", {get: () => fps});
  Object.defineProperty(root, "continuous", {get: () => continuous, set: (v: boolean) => (continuous = v)});
  root.update = (next: ViewState) => {
    dirty = true;
    state = next;
    pal = currentPalette();
    strengths = wireStrengths(next, opened);
    colourBalls();
    colourWires();
    placeRing();
  };
  root.highlight = (wire) => {
    dirty = true;
    lit.visible = !!wire;
    if (!wire) return;
    const p = lit.geometry.getAttribute("position") as THREE.BufferAttribute;
    (p.array as Float32Array).set(pos[wire.layer - 1].subarray(wire.source * 3, wire.source * 3 + 3), 0);
    (p.array as Float32Array).set(pos[wire.layer].subarray(wire.target * 3, wire.target * 3 + 3), 3);
    p.needsUpdate = true;
    litMaterial.color.set(pal.activationHigh);
  };
  root.play = (seconds) => {
    pulseSeconds = seconds;
    pulseStart = performance.now();
  };
  root.dispose = () => {
    running = false;
    controls.dispose();
    renderer.dispose();
    ball.dispose();
    wireGeometry.dispose();
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
  Object.defineProperty(root, "continuous", {value: false, writable: true});
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
  root.highlight = (wire) => {
    litLine.attr("visibility", wire ? "visible" : "hidden").attr("stroke", currentPalette().activationHigh);
    if (!wire) return;
    const [x1, y1] = point(wire.layer - 1, wire.source),
      [x2, y2] = point(wire.layer, wire.target);
    litLine.attr("x1", x1).attr("y1", y1).attr("x2", x2).attr("y2", y2);
  };
  root.play = () => {};
  root.dispose = () => {};
  return root;
}
