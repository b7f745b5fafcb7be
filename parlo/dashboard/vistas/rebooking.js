// Rebooking suggestions (issue 8): a before/after list of moves with "Aplicar" on each.
// Drawn only when the server's schema offers suggestRebooking/applyRebooking.

import { h, avisar } from "../dom.js";
import { fechaLarga, fechaLocal, hora } from "../fechas.js";
import { sugerirRebooking, aplicarMovimiento } from "../datos.js";

export async function panelRebooking(app, encargo) {
  const zona = app.zona;
  const caja = h("section", { class: "tarjeta", "aria-labelledby": "titulo-rebooking" },
    h("h2", { id: "titulo-rebooking" }, "Sugerencias para reacomodar"));
  let plan;
  try {
    plan = await sugerirRebooking(encargo);
  } catch (e) {
    caja.append(h("div", { class: "error", role: "alert" }, h("p", {}, e.message)));
    return caja;
  }
  if (!plan.movimientos.length) {
    caja.append(h("p", { class: "vacio" }, plan.mensaje ?? "No encontramos a dónde mover estas citas."));
    return caja;
  }
  const cuando = (ini, quien) => `${fechaLarga(fechaLocal(ini, zona))}, ${hora(ini, zona)}${quien ? ` con ${quien}` : ""}`;
  caja.append(h("ul", { class: "lista-simple movimientos" }, plan.movimientos.map((m) => {
    const estado = h("span", { "aria-live": "polite" });
    const boton = h("button", { type: "button", class: "primario chico", onclick: async () => {
      boton.disabled = true;
      try {
        await aplicarMovimiento(plan.id, m);
        boton.hidden = true;
        estado.textContent = "Aplicado";
        avisar(`Cita de ${m.cliente ?? "cliente"} movida.`);
      } catch (e) {
        estado.textContent = e.message;
        boton.disabled = false;
      }
    } }, "Aplicar");
    return h("li", {},
      h("strong", {}, `${m.cliente ?? "Cliente"} · ${m.servicio ?? ""}`),
      h("span", { class: "antes" }, `Antes: ${cuando(m.antes, m.antesCon)}`),
      h("span", {}, m.despues ? `Después: ${cuando(m.despues, m.despuesCon)}` : `Sin lugar: ${m.motivo ?? "no hay horario libre"}`),
      h("div", { class: "fila" }, m.despues ? boton : null, estado));
  })));
  return caja;
}
