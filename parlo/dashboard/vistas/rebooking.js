// Rebooking suggestions (issue 8): when a block covers appointments or someone does not
// come in, the server proposes the least disruptive moves. Shown as a before/after list
// with "Aplicar" on each move; nothing moves until the owner applies it, and each moved
// customer is asked by WhatsApp to confirm.

import { h, replace, avisar, uid } from "../dom.js";
import { fechaCorta, fechaLarga, fechaLocal, hora } from "../fechas.js";
import { sugerirRebooking, aplicarMovimientos } from "../datos.js";

/** A section that asks for the plan when the owner wants it, then shows it. */
export function panelRebooking(app, encargo, { textoBoton = "Sugerir cómo reacomodar", anidado = false, alSugerir = null } = {}) {
  const zona = app.zona;
  const cuerpo = h("div", { "aria-live": "polite" });
  const pedir = h("button", { type: "button", class: "primario", onclick: async () => {
    pedir.disabled = true;
    replace(cuerpo, h("p", { class: "ayuda" }, "Buscando el mejor acomodo… puede tardar unos segundos."));
    try {
      const plan = await sugerirRebooking(encargo);
      // An expired plan: the moves are withdrawn and a fresh plan is one click away.
      pintarPlan(cuerpo, plan, zona, () => {
        pedir.hidden = false;
        pedir.disabled = false;
        pedir.textContent = "Pedir un plan nuevo";
      });
      pedir.hidden = true;
      if (alSugerir) await alSugerir();
    } catch (e) {
      replace(cuerpo, h("div", { class: "error", role: "alert" }, h("p", {}, e.message)));
      pedir.disabled = false;
    }
  } }, textoBoton);
  const idTitulo = uid("rebooking");
  return h("section", { class: anidado ? "anidada" : "tarjeta", "aria-labelledby": idTitulo },
    h("h2", { id: idTitulo }, "Reacomodar citas"),
    h("p", { class: "ayuda" }, "Parlo propone a dónde mover cada cita; tú decides cuáles aplicar. A cada cliente le pedimos por WhatsApp que confirme."),
    pedir, cuerpo);
}

function pintarPlan(cuerpo, plan, zona, alVencer) {
  const cuando = (l) => `${fechaCorta(fechaLocal(l.ini, zona))}, ${hora(l.ini, zona)} con ${l.personal}${l.lugar ? ` (${l.lugar})` : ""}`;
  const botones = [];
  const filas = plan.movimientos.map((m) => {
    const estado = h("span", { class: "ayuda", "aria-live": "polite" }, m.aplicada ? "Aplicado" : "");
    const aplicar = h("button", { type: "button", class: "primario chico", hidden: m.aplicada,
      "aria-label": `Aplicar: mover a ${m.cliente ?? "cliente"} al ${cuando(m.despues)}` }, "Aplicar");
    aplicar.movimiento = m;
    aplicar.estado = estado;
    aplicar.addEventListener("click", () => aplicarVarios(plan.id, [aplicar], vencer));
    botones.push(aplicar);
    return h("li", { "aria-label": `${m.cliente ?? "Cliente"}, ${m.servicio}` },
      h("strong", {}, `${m.cliente ?? "Cliente"} · ${m.servicio}`),
      h("span", { class: "antes" }, `Antes: ${cuando(m.antes)}`),
      h("span", {}, `Después: ${cuando(m.despues)}`),
      h("div", { class: "fila" }, aplicar, estado));
  });
  const todas = h("button", { type: "button", onclick: () => aplicarVarios(plan.id, botones.filter((b) => !b.hidden), vencer) },
    "Aplicar todas");
  const c = plan.cifras;
  // The plan is a document the owner approves for a while (rebooking_plan_minutes, 30 by
  // default): after that the agenda may have moved on and the server refuses it.
  const vigencia = h("p", { class: "ayuda vigencia", role: "status" }, plan.vence ? textoVigencia(plan.vence, zona) : "");
  const vencer = (mensaje) => {
    vigencia.className = "nota vigencia";
    vigencia.textContent = mensaje ?? `Este plan venció a las ${hora(plan.vence, zona)}: pide uno nuevo.`;
    for (const b of [...botones, todas]) { b.disabled = true; b.hidden = true; }
    clearInterval(reloj);
    alVencer?.();
  };
  // A page left open: the buttons go when the plan expires, without waiting for a refusal.
  const reloj = plan.vence ? setInterval(() => {
    if (!cuerpo.isConnected) clearInterval(reloj);
    else if (Date.now() >= Date.parse(plan.vence)) vencer();
  }, 15_000) : null;
  replace(cuerpo,
    vigencia,
    h("p", {}, `${c.afectadas} ${c.afectadas === 1 ? "cita afectada" : "citas afectadas"}: `
      + `${c.mismoDia} ${c.mismoDia === 1 ? "se queda" : "se quedan"} el mismo día, ${c.sinLugar} sin lugar.`),
    filas.length ? h("ul", { class: "lista-simple movimientos", "aria-label": "Movimientos propuestos" }, filas)
      : h("p", { class: "vacio" }, "No hace falta mover ninguna cita."),
    filas.length > 1 ? h("div", { class: "fila" }, todas) : null,
    plan.sinLugar.length ? h("div", { class: "nota" },
      h("p", {}, "Estas citas no tienen a dónde moverse; escríbele al cliente o cancélalas:"),
      h("ul", {}, plan.sinLugar.map((u) => h("li", {},
        h("a", { href: `#/cita/${u.citaId}` }, `${fechaCorta(fechaLocal(u.ini, zona))}, ${hora(u.ini, zona)} ${u.cliente ?? "Cliente"} · ${u.servicio}`),
        ` — ${u.motivo}`)))) : null);
}

function textoVigencia(vence, zona) {
  const dia = fechaLocal(vence, zona);
  const hoy = fechaLocal(Date.now(), zona);
  return `Puedes aplicar este plan hasta las ${hora(vence, zona)}${dia === hoy ? "" : ` del ${fechaLarga(dia)}`}; `
    + "después pide uno nuevo, porque la agenda pudo cambiar.";
}

async function aplicarVarios(planId, botones, vencer) {
  if (!botones.length) return;
  botones.forEach((b) => { b.disabled = true; });
  try {
    const r = await aplicarMovimientos(planId, botones.map((b) => b.movimiento.id));
    for (const b of botones) {
      const rechazo = r.rechazadas.find((x) => x.id === b.movimiento.id);
      if (rechazo) {
        b.estado.textContent = rechazo.motivo;
        b.disabled = false;
      } else {
        b.hidden = true;
        b.estado.textContent = "Aplicado: le pedimos al cliente que confirme.";
      }
    }
    const n = botones.length - r.rechazadas.length;
    avisar(n === 1 ? "Cita movida." : `${n} citas movidas.`);
  } catch (e) {
    if (e.tipo === "Conflict" && /venci/.test(e.message)) {
      vencer(e.message);
      return;
    }
    botones.forEach((b) => { b.disabled = false; b.estado.textContent = ""; });
    avisar(e.message, "error");
  }
}
