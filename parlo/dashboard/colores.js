// Colour by service: each service has one ("#RRGGBB", the owner's pick in Ajustes or a
// default from the server). An appointment is painted with it — a tint and a strong left
// edge — while its status stays readable on its own: a text badge on every block, plus a
// pattern (hatched: no-show, struck through: cancelled, dashed edge: pending, ✓: completed).

import { h } from "./dom.js";
import { ESTADOS } from "./etiquetas.js";

const SIN_COLOR = "#64748B";

export function colorDe(app, servicioId) {
  return app.catalogo?.servicios.find((s) => s.id === servicioId)?.color ?? SIN_COLOR;
}

/** Sets the block's colour (a CSS custom property: no inline markup, CSP-safe). */
export function pintar(nodo, color) {
  nodo.style.setProperty("--servicio", color);
  return nodo;
}

/** The legend under a calendar: the services on screen by colour, and how each status looks. */
export function leyenda(app, servicioIds, { nuevaHora = false } = {}) {
  const servicios = app.catalogo.servicios.filter((s) => servicioIds.has(s.id));
  return h("section", { class: "leyenda", "aria-label": "Leyenda" },
    h("ul", { class: "leyenda-servicios", "aria-label": "Colores por servicio" },
      servicios.map((s) => h("li", {}, pintar(h("span", { class: "muestra", "aria-hidden": "true" }), s.color), s.nombre))),
    h("ul", { class: "leyenda-estados", "aria-label": "Estados" },
      ["confirmed", "pending", "completed", "no_show"].map((estado) => h("li", {},
        h("span", { class: ["muestra-estado", estado], "aria-hidden": "true" }), ESTADOS[estado])),
      nuevaHora ? h("li", {}, h("span", { class: ["muestra-estado", "nueva-hora"], "aria-hidden": "true" }),
        "Necesita nueva hora") : null));
}
