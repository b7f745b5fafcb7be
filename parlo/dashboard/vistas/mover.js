// Moving an appointment on a time grid (day: one column per stylist; week: one per day):
// drag it with the mouse (or hold it with a finger, then drag), or with the keyboard (Alt + arrows move a marker 15 minutes or one
// column, Enter asks, Escape drops it). Nothing moves until the person confirms ("¿Mover a
// Luis a las 5:30 PM con Pedro?"); then rescheduleAppointment runs, and if the time was taken
// its Spanish message shows with the times the server proposes, and nothing has moved.
// The appointment's own page keeps its "Reprogramar" dialog: a third way to the same move.

import { h, dialogo, avisar, cajaError } from "../dom.js";
import { fechaLarga, hora, horaDeMinutos, instanteUTC, fechaLocal } from "../fechas.js";
import { reprogramar } from "../datos.js";
import { botonesAlternativas } from "./cita.js";

const PASO = 15; // minutes: the salon's slot granularity by default
const UMBRAL = 6; // px of pointer travel before a press becomes a drag
const PRESION = 450; // ms a finger holds an appointment before it is picked up

/**
 * rejilla: the grid; geometria: { inicio (minute of day at the top), altoHora (px per hour) };
 * citas: Map id → cita; app, recargar.
 * Columns are `.columna` elements with data-fecha and, in the day view, data-personal/-nombre.
 */
export function permitirMover(rejilla, { inicio, fin, altoHora, citas, app, recargar }) {
  const zona = app.zona;
  const minutoEn = (columna, y) => {
    const arriba = columna.getBoundingClientRect().top;
    const minuto = inicio + ((y - arriba) / altoHora) * 60;
    return Math.max(inicio, Math.min(fin - PASO, Math.round(minuto / PASO) * PASO));
  };
  const columnaEn = (x, y) => document.elementsFromPoint(x, y).find((el) => el.classList?.contains("columna")) ?? null;
  const marcador = h("div", { class: "marcador-mover", "aria-hidden": "true" });
  const ponerMarcador = (columna, minuto, duracion, texto) => {
    marcador.style.top = `${((minuto - inicio) / 60) * altoHora}px`;
    marcador.style.height = `${Math.max((duracion / 60) * altoHora - 2, 18)}px`;
    marcador.textContent = texto;
    if (marcador.parentNode !== columna) columna.append(marcador);
  };
  const quitarMarcador = () => marcador.remove();
  const destino = (cita, columna, minuto) => ({
    fecha: columna.dataset.fecha,
    minuto,
    personalId: columna.dataset.personal || cita.personal?.id || null,
    personalNombre: columna.dataset.nombre || cita.personal?.nombre || "",
  });
  const duracionDe = (cita) => (new Date(cita.fin) - new Date(cita.ini)) / 60000;

  // ---------------------------------------------------------------- mouse / pen / finger
  // A finger first scrolls the grid; holding still on an appointment (PRESION ms) picks it up,
  // and from then on the finger moves it instead of the page.
  let arrastre = null;
  let presion = null;
  const empezar = (e) => {
    arrastre.moviendo = true;
    arrastre.bloque.classList.add("arrastrando");
    rejilla.setPointerCapture?.(e.pointerId);
  };
  rejilla.addEventListener("pointerdown", (e) => {
    const bloque = e.target.closest?.("a.bloque.cita[data-cita]");
    if (!bloque || e.button !== 0) return;
    const cita = citas.get(bloque.dataset.cita);
    if (!cita) return;
    const caja = bloque.getBoundingClientRect();
    arrastre = { bloque, cita, x: e.clientX, y: e.clientY, agarre: e.clientY - caja.top, moviendo: false,
      tactil: e.pointerType === "touch" };
    if (arrastre.tactil) {
      clearTimeout(presion);
      presion = setTimeout(() => {
        if (!arrastre || arrastre.moviendo) return;
        empezar(e);
        navigator.vibrate?.(15);
        const columna = bloque.closest(".columna");
        arrastre.columna = columna;
        arrastre.minuto = minutoEn(columna, caja.top);
        ponerMarcador(columna, arrastre.minuto, duracionDe(cita), horaDeMinutos(arrastre.minuto));
      }, PRESION);
    }
  });
  // Once an appointment is picked up by a finger, its moves are ours, not a scroll.
  rejilla.addEventListener("touchmove", (e) => { if (arrastre?.moviendo) e.preventDefault(); }, { passive: false });
  rejilla.addEventListener("contextmenu", (e) => { if (arrastre) e.preventDefault(); });
  rejilla.addEventListener("pointermove", (e) => {
    if (!arrastre) return;
    if (!arrastre.moviendo) {
      if (Math.hypot(e.clientX - arrastre.x, e.clientY - arrastre.y) < UMBRAL) return;
      if (arrastre.tactil) { // a swipe: the page scrolls, nothing is picked up
        clearTimeout(presion);
        arrastre = null;
        return;
      }
      empezar(e);
    }
    const columna = columnaEn(e.clientX, e.clientY);
    if (!columna) return;
    const minuto = minutoEn(columna, e.clientY - arrastre.agarre);
    arrastre.columna = columna;
    arrastre.minuto = minuto;
    ponerMarcador(columna, minuto, duracionDe(arrastre.cita), horaDeMinutos(minuto));
  });
  const soltar = async (e) => {
    clearTimeout(presion);
    const a = arrastre;
    arrastre = null;
    if (!a) return;
    a.bloque.classList.remove("arrastrando");
    if (!a.moviendo) return;
    // The click that follows a drag must not open the appointment.
    a.bloque.addEventListener("click", (ev) => ev.preventDefault(), { once: true, capture: true });
    quitarMarcador();
    if (e.type === "pointercancel" || !a.columna) return;
    await confirmarMovida(a.cita, destino(a.cita, a.columna, a.minuto), app, recargar);
  };
  rejilla.addEventListener("pointerup", soltar);
  rejilla.addEventListener("pointercancel", soltar);

  // ---------------------------------------------------------------- keyboard
  let teclado = null;
  rejilla.addEventListener("keydown", async (e) => {
    const bloque = e.target.closest?.("a.bloque.cita[data-cita]");
    if (!bloque) return;
    const cita = citas.get(bloque.dataset.cita);
    if (!cita) return;
    if (teclado && teclado.cita !== cita) { teclado = null; quitarMarcador(); }
    if (e.key === "Escape" && teclado) {
      e.preventDefault();
      teclado = null;
      quitarMarcador();
      return;
    }
    if (e.key === "Enter" && teclado) {
      e.preventDefault();
      const t = teclado;
      teclado = null;
      quitarMarcador();
      await confirmarMovida(cita, destino(cita, t.columna, t.minuto), app, recargar);
      bloque.focus();
      return;
    }
    if (!e.altKey || !["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].includes(e.key)) return;
    e.preventDefault();
    const columnas = [...rejilla.querySelectorAll(".columna")];
    if (!teclado) {
      const propia = bloque.closest(".columna");
      const minuto = Math.round((new Date(cita.ini) - new Date(instanteUTC(fechaLocal(cita.ini, zona), "00:00", zona))) / 60000);
      teclado = { cita, columna: propia, minuto };
    }
    const i = columnas.indexOf(teclado.columna);
    if (e.key === "ArrowUp") teclado.minuto = Math.max(inicio, teclado.minuto - PASO);
    if (e.key === "ArrowDown") teclado.minuto = Math.min(fin - PASO, teclado.minuto + PASO);
    if (e.key === "ArrowLeft" && i > 0) teclado.columna = columnas[i - 1];
    if (e.key === "ArrowRight" && i < columnas.length - 1) teclado.columna = columnas[i + 1];
    const d = destino(cita, teclado.columna, teclado.minuto);
    const texto = `${horaDeMinutos(teclado.minuto)}${d.personalNombre ? ` con ${d.personalNombre}` : ""}`;
    ponerMarcador(teclado.columna, teclado.minuto, duracionDe(cita), `${texto} · Enter para mover`);
    avisar(`Mover a ${texto}${teclado.columna.dataset.fecha !== fechaLocal(cita.ini, zona)
      ? `, ${fechaLarga(teclado.columna.dataset.fecha)}` : ""}. Enter para confirmar, Escape para dejarla.`);
  });
}

/** "¿Mover a Luis a las 5:30 PM con Pedro?" → rescheduleAppointment, or its Spanish error. */
export async function confirmarMovida(cita, destino, app, recargar) {
  const zona = app.zona;
  const horaTexto = (minuto) => horaDeMinutos(minuto);
  let ini = instanteUTC(destino.fecha, horaTexto24(destino.minuto), zona);
  if (new Date(ini).getTime() === new Date(cita.ini).getTime() && (destino.personalId ?? null) === (cita.personal?.id ?? null)) return false;
  const cliente = cita.cliente?.nombre ?? "este cliente";
  const otroDia = destino.fecha !== fechaLocal(cita.ini, zona);
  const pregunta = `¿Mover a ${cliente} a las ${horaTexto(destino.minuto)}${otroDia ? ` del ${fechaLarga(destino.fecha)}` : ""}`
    + `${destino.personalNombre ? ` con ${destino.personalNombre}` : ""}?`;
  const hecho = await dialogo("Mover cita", (cerrar) => {
    const avisarCliente = h("input", { type: "checkbox", id: "avisar-movida", checked: true });
    const error = cajaError();
    const texto = h("p", { class: "pregunta" }, pregunta);
    const boton = h("button", { type: "button", class: "primario", onclick: async () => {
      boton.disabled = true;
      error.ocultar();
      try {
        await reprogramar(cita.id, { ini, personal: destino.personalId, lugar: null, avisar: avisarCliente.checked });
        cerrar(true);
      } catch (err) {
        const alternativas = err.datos?.alternatives ?? [];
        error.mostrar(err.message, alternativas.length ? botonesAlternativas(alternativas, zona, destino.fecha, (alt, otro) => {
          ini = otro;
          destino.personalId = alt.staffId ?? destino.personalId;
          const persona = app.catalogo.personal.find((p) => p.id === destino.personalId);
          destino.personalNombre = persona?.nombre ?? destino.personalNombre;
          texto.textContent = `¿Mover a ${cliente} a las ${hora(otro, zona)}`
            + `${fechaLocal(otro, zona) !== fechaLocal(cita.ini, zona) ? ` del ${fechaLarga(fechaLocal(otro, zona))}` : ""}`
            + `${destino.personalNombre ? ` con ${destino.personalNombre}` : ""}?`;
          error.ocultar();
          boton.focus();
        }) : []);
        boton.disabled = false;
      }
    } }, "Mover");
    setTimeout(() => boton.focus());
    return h("div", {},
      texto,
      h("p", { class: "ayuda" }, `Ahora: ${fechaLarga(fechaLocal(cita.ini, zona))}, ${hora(cita.ini, zona)}`
        + `${cita.personal?.nombre ? ` con ${cita.personal.nombre}` : ""}.`),
      h("div", { class: "casilla" }, avisarCliente, h("label", { for: "avisar-movida" }, "Avisar al cliente por WhatsApp")),
      error,
      h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "No mover"), boton));
  });
  if (hecho) {
    avisar("Cita movida.");
    await recargar();
  }
  return Boolean(hecho);
}

function horaTexto24(minuto) {
  return `${String(Math.floor(minuto / 60)).padStart(2, "0")}:${String(minuto % 60).padStart(2, "0")}`;
}
