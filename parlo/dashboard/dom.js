// Building DOM without HTML strings: every piece of data becomes a text node, never markup.
// This is the dashboard's XSS rule — nothing here (or anywhere) assigns innerHTML.

/**
 * h("button", {class: "primario", onclick: fn, "aria-label": "Cerrar"}, "Texto", otroNodo)
 * Attributes starting with "on" become listeners; `class`, `for`, `value`, `checked`,
 * `selected`, `disabled`, `hidden` and friends are set as properties; the rest as attributes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (name === "for") {
      el.htmlFor = value;
    } else if (name === "style") {
      for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    } else if (PROPERTIES.has(name)) {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

const PROPERTIES = new Set(["value", "checked", "selected", "disabled", "hidden", "required", "readOnly",
  "multiple", "open", "textContent", "type", "min", "max", "step", "placeholder", "autocomplete", "name", "id"]);

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace everything inside `el` with `children`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let serial = 0;
/** A unique id for label/for and aria-describedby pairs. */
export function uid(prefix = "c") {
  serial += 1;
  return `${prefix}-${serial}`;
}

/** A labelled form field: <div class="campo"><label>…</label><control/><small/></div>. */
export function campo(etiqueta, control, ayuda) {
  if (!control.id) control.id = uid("campo");
  const partes = [h("label", { for: control.id }, etiqueta), control];
  if (ayuda) {
    const idAyuda = uid("ayuda");
    control.setAttribute("aria-describedby", idAyuda);
    partes.push(h("small", { id: idAyuda, class: "ayuda" }, ayuda));
  }
  return h("div", { class: "campo" }, partes);
}

/** <select> from [{value, label}], with the chosen value selected. */
export function selector(opciones, elegido, attrs = {}) {
  return h("select", attrs, opciones.map((o) =>
    h("option", { value: o.value, selected: String(o.value) === String(elegido ?? "") }, o.label)));
}

/** A modal <dialog>: resolves with what `alEnviar` returns, or null when dismissed. */
export function dialogo(titulo, construir) {
  return new Promise((resolve) => {
    const idTitulo = uid("titulo");
    const caja = h("dialog", { class: "dialogo", "aria-labelledby": idTitulo });
    const cerrar = (valor) => { caja.close(); caja.remove(); resolve(valor); };
    caja.addEventListener("cancel", (e) => { e.preventDefault(); cerrar(null); });
    append(caja, [h("h2", { id: idTitulo }, titulo), construir(cerrar)]);
    document.body.append(caja);
    caja.showModal();
  });
}

/**
 * A short message at the bottom of the screen (success or error). One at a time: a new one
 * replaces the one showing, so toasts never pile up over the calendar; tapping closes it.
 */
export function avisar(texto, tipo = "ok") {
  const zona = document.getElementById("avisos");
  const aviso = h("div", { class: ["aviso", tipo], role: tipo === "error" ? "alert" : "status",
    onclick: () => aviso.remove() }, texto);
  zona.replaceChildren(aviso);
  setTimeout(() => aviso.remove(), tipo === "error" ? 9000 : 4500);
}

/** An inline error box tied to a form: stays until the next attempt. */
export function cajaError() {
  const caja = h("div", { class: "error", role: "alert", hidden: true });
  caja.mostrar = (texto, ...extra) => { replace(caja, h("p", {}, texto), ...extra); caja.hidden = false; };
  caja.ocultar = () => { caja.hidden = true; caja.replaceChildren(); };
  return caja;
}
