// Blocking time: one staff member or the whole location (a holiday), and the list of
// upcoming blocks with "Quitar" on each. Appointments inside a new block are listed so the
// owner can move them (with rebooking suggestions when the server offers them).

import { h, replace, campo, selector, avisar, cajaError } from "../dom.js";
import { fechaLarga, fechaLocal, hora, hoy, instanteUTC, sumarDias } from "../fechas.js";
import { bloquear, cargarBloqueos, quitarBloqueo } from "../datos.js";
import { panelRebooking } from "./rebooking.js";

export async function vistaBloqueos(principal, params, app) {
  const zona = app.zona;
  const { personal } = app.catalogo;
  const puede = app.yo.nivel !== "viewer";
  const para = selector([{ value: "", label: "Todo el negocio" },
    ...personal.filter((p) => p.activo).map((p) => ({ value: p.id, label: p.nombre }))], params.get("personal") ?? "");
  const fecha = h("input", { type: "date", required: true, value: params.get("fecha") ?? hoy(zona) });
  const hasta = h("input", { type: "date", required: true, value: params.get("fecha") ?? hoy(zona) });
  const desdeHora = h("input", { type: "time", step: 300, value: "14:00" });
  const hastaHora = h("input", { type: "time", step: 300, value: "15:00" });
  const todoElDia = h("input", { type: "checkbox", id: "todo-el-dia" });
  const motivo = h("input", { type: "text", placeholder: "Comida, vacaciones, día festivo…" });
  const error = cajaError();
  const resultado = h("div", { "aria-live": "polite" });
  const enviar = h("button", { type: "submit", class: "primario" }, "Bloquear horario");
  const horas = h("div", { class: "columnas" }, campo("Desde las", desdeHora), campo("Hasta las", hastaHora));
  const hastaCampo = campo("Hasta el día", hasta);
  hastaCampo.hidden = true;
  todoElDia.addEventListener("change", () => {
    horas.hidden = todoElDia.checked;
    hastaCampo.hidden = !todoElDia.checked;
  });
  fecha.addEventListener("change", () => { if (hasta.value < fecha.value) hasta.value = fecha.value; });

  const lista = h("section", { "aria-labelledby": "titulo-bloqueos" });
  const pintarLista = async () => {
    const desde = hoy(zona) < (params.get("fecha") ?? hoy(zona)) ? hoy(zona) : (params.get("fecha") ?? hoy(zona));
    try {
      const bloqueos = await cargarBloqueos(desde, sumarDias(desde, 60), zona, null);
      bloqueos.sort((a, b) => a.ini.localeCompare(b.ini));
      replace(lista, h("h2", { id: "titulo-bloqueos" }, "Próximos bloqueos"),
        bloqueos.length ? h("ul", { class: "lista-simple" }, bloqueos.map((b) => h("li", {},
          h("div", { class: "fila" },
            h("div", { style: { flex: "1 1 200px" } },
              h("strong", {}, b.motivo || "Bloqueado"), " · ", b.personalNombre ?? "Todo el negocio",
              h("div", { class: "ayuda" }, rangoTexto(b, zona))),
            puede ? h("button", { type: "button", class: "peligro chico", "aria-label": `Quitar bloqueo: ${b.motivo || "Bloqueado"}, ${rangoTexto(b, zona)}`,
              onclick: async (e) => {
                const boton = e.currentTarget;
                boton.disabled = true;
                try {
                  await quitarBloqueo(b.id);
                  avisar("Bloqueo quitado.");
                  await pintarLista();
                } catch (err) {
                  avisar(err.message, "error");
                  boton.disabled = false;
                }
              } }, "Quitar") : null))))
          : h("p", { class: "vacio" }, "No hay bloqueos en los próximos 60 días."));
    } catch (e) {
      replace(lista, h("div", { class: "error", role: "alert" }, h("p", {}, e.message)));
    }
  };

  const formulario = h("form", { class: "tarjeta", "aria-labelledby": "titulo-bloquear" },
    h("h1", { id: "titulo-bloquear" }, "Bloquear horario"),
    h("p", { class: "ayuda" }, "Nadie podrá agendar en ese horario. Las citas que ya estén ahí no se mueven solas."),
    campo("Para quién", para),
    h("div", { class: "columnas" }, campo("Día", fecha), hastaCampo),
    h("div", { class: "casilla" }, todoElDia, h("label", { for: "todo-el-dia" }, "Todo el día")),
    horas,
    campo("Motivo", motivo),
    error,
    h("div", { class: "fila derecha" }, h("a", { class: "boton", href: `#/agenda?fecha=${fecha.value}` }, "Volver a la agenda"), enviar),
    resultado);
  formulario.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.ocultar();
    replace(resultado);
    const ini = instanteUTC(fecha.value, todoElDia.checked ? "00:00" : desdeHora.value, zona);
    const fin = todoElDia.checked
      ? instanteUTC(sumarDias(hasta.value, 1), "00:00", zona)
      : instanteUTC(fecha.value, hastaHora.value, zona);
    if (fin <= ini) return error.mostrar("La hora final debe ser después de la inicial.");
    enviar.disabled = true;
    try {
      const r = await bloquear({ ini, fin, personal: para.value || null, motivo: motivo.value || null });
      avisar("Horario bloqueado.");
      if (r.encimadas.length) {
        replace(resultado, h("div", { class: "nota", role: "status" },
          h("p", {}, `Hay ${r.encimadas.length} ${r.encimadas.length === 1 ? "cita" : "citas"} dentro del bloqueo. Reprográmalas o cancélalas:`),
          h("ul", {}, r.encimadas.map((c) => h("li", {}, h("a", { href: `#/cita/${c.id}` },
            `${hora(c.ini, zona)} ${c.cliente?.nombre ?? "Cliente"} · ${c.servicio?.nombre ?? ""}`))))),
        para.value ? panelRebooking(app, { bloqueoId: r.id }) : null);
      }
      await pintarLista();
    } catch (err) {
      error.mostrar(err.message);
    } finally {
      enviar.disabled = false;
    }
  });
  replace(principal, puede ? formulario : null, puede ? ausencia(app, pintarLista) : null, lista);
  await pintarLista();
}

function rangoTexto(b, zona) {
  const d1 = fechaLocal(b.ini, zona);
  const d2 = fechaLocal(new Date(new Date(b.fin).getTime() - 1), zona);
  if (d1 === d2) return `${fechaLarga(d1)}, ${hora(b.ini, zona)} – ${hora(b.fin, zona)}`;
  return `Del ${fechaLarga(d1)} al ${fechaLarga(d2)}`;
}

/** "Pedro no viene hoy": block their day and see where their appointments could go. */
function ausencia(app, alBloquear) {
  const zona = app.zona;
  const quien = selector(app.catalogo.personal.filter((p) => p.activo).map((p) => ({ value: p.id, label: p.nombre })), "");
  const dia = h("input", { type: "date", required: true, value: hoy(zona) });
  const bloquearDia = h("input", { type: "checkbox", id: "bloquear-ausencia", checked: true });
  const resultado = h("div", {});
  const ver = h("button", { type: "submit", class: "primario" }, "Ver cómo reacomodar sus citas");
  const f = h("form", { class: "tarjeta", "aria-labelledby": "titulo-ausencia" },
    h("h2", { id: "titulo-ausencia" }, "Alguien no viene"),
    h("div", { class: "columnas" }, campo("Quién", quien), campo("Qué día", dia)),
    h("div", { class: "casilla" }, bloquearDia, h("label", { for: "bloquear-ausencia" }, "Bloquear su día en la agenda")),
    h("div", { class: "fila derecha" }, ver), resultado);
  f.addEventListener("submit", (e) => {
    e.preventDefault();
    const panel = panelRebooking(app, { personal: quien.value, fecha: dia.value, bloquear: bloquearDia.checked,
      motivo: "No viene" }, { textoBoton: "Buscar acomodo", anidado: true,
      alSugerir: bloquearDia.checked ? alBloquear : null });
    replace(resultado, panel);
    panel.querySelector("button.primario").click();
  });
  return f;
}
