// Creating, walking in, and looking after one appointment: reschedule, cancel (optionally
// telling the customer), mark completed or no-show.

import { h, replace, campo, selector, dialogo, avisar, cajaError } from "../dom.js";
import { fechaLarga, hora, hoy, fechaLocal, horaInput, instanteUTC, dinero, duracion } from "../fechas.js";
import { ESTADOS, ORIGENES, etiqueta, enlaceWhatsApp } from "../etiquetas.js";
import {
  horariosLibres, agendar, registrarSinCita, cargarCita, cancelar, marcar, reprogramar, buscarClientes,
  guardarNotasCita,
} from "../datos.js";

// ------------------------------------------------------------------ new appointment

export async function vistaNuevaCita(principal, params, app) {
  const zona = app.zona;
  const { personal, servicios, lugares } = app.catalogo;
  const activosServ = servicios.filter((s) => s.activo);
  const telefono = h("input", { type: "tel", name: "telefono", autocomplete: "off", required: true, inputmode: "tel",
    placeholder: "55 1234 5678" });
  const nombre = h("input", { type: "text", name: "nombre", autocomplete: "off", placeholder: "Opcional" });
  const busqueda = h("input", { type: "search", autocomplete: "off", placeholder: "Nombre o teléfono" });
  const sugeridos = h("ul", { class: "horarios-libres", "aria-label": "Clientes encontrados" });
  let espera;
  busqueda.addEventListener("input", () => {
    clearTimeout(espera);
    espera = setTimeout(async () => {
      const texto = busqueda.value.trim();
      if (texto.length < 2) return replace(sugeridos);
      try {
        const encontrados = await buscarClientes(texto);
        replace(sugeridos, encontrados.slice(0, 6).map((c) => h("li", {}, h("button", { type: "button", class: "chico",
          onclick: () => { telefono.value = c.telefono; nombre.value = c.nombre ?? ""; replace(sugeridos); busqueda.value = ""; } },
        `${c.nombre ?? "Sin nombre"} · ${c.telefonoVisible ?? c.telefono}`))));
        if (!encontrados.length) replace(sugeridos, h("li", { class: "ayuda" }, "No encontramos clientes con eso."));
      } catch (e) {
        replace(sugeridos, h("li", { class: "error" }, e.message));
      }
    }, 250);
  });

  const servicio = selector([{ value: "", label: "Elige un servicio" },
    ...activosServ.map((s) => ({ value: s.id, label: `${s.nombre} · ${duracion(s.duracion)} · ${dinero(s.precio)}` }))],
  params.get("servicio") ?? "", { required: true, name: "servicio" });
  const quien = h("select", { name: "personal" });
  const donde = h("select", { name: "lugar" });
  const fecha = h("input", { type: "date", name: "fecha", required: true, value: params.get("fecha") ?? hoy(zona) });
  const otraHora = h("input", { type: "time", name: "hora", step: 300, value: params.get("hora") ?? "" });
  const notas = h("textarea", { name: "notas", rows: 2, placeholder: "Opcional" });
  const horarios = h("div", { class: "horarios-libres", role: "group", "aria-label": "Horarios disponibles" });
  const estadoHorarios = h("p", { class: "ayuda", "aria-live": "polite" }, "Elige servicio y fecha para ver los horarios libres.");
  const error = cajaError();
  const enviar = h("button", { class: "primario", type: "submit" }, "Agendar cita");
  let elegido = null; // {ini, personalId, lugarId}

  const rellenarQuien = () => {
    const s = servicio.value;
    const previo = quien.value || params.get("personal") || "";
    replace(quien, h("option", { value: "" }, "Quien esté libre"),
      personal.filter((p) => p.activo && (!s || p.servicios.includes(s)))
        .map((p) => h("option", { value: p.id, selected: p.id === previo }, p.nombre)));
    const previoLugar = donde.value;
    replace(donde, h("option", { value: "" }, "Automático"),
      lugares.filter((l) => l.activo && (!s || l.servicios.includes(s)))
        .map((l) => h("option", { value: l.id, selected: l.id === previoLugar }, l.nombre)));
  };
  const elegir = (slot, boton) => {
    elegido = slot;
    otraHora.value = horaInput(slot.ini, zona);
    for (const b of horarios.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === boton));
  };
  const buscar = async () => {
    elegido = null;
    replace(horarios);
    if (!servicio.value || !fecha.value) return;
    replace(estadoHorarios, "Buscando horarios…");
    try {
      const slots = await horariosLibres({ servicio: servicio.value, personal: quien.value || null,
        lugar: donde.value || null, fecha: fecha.value }, zona);
      slots.sort((a, b) => a.ini.localeCompare(b.ini));
      const nombreDe = (id) => personal.find((p) => p.id === id)?.nombre?.split(" ")[0] ?? "";
      replace(horarios, slots.map((s) => {
        const b = h("button", { type: "button", class: "chico", "aria-pressed": "false",
          "aria-label": `${hora(s.ini, zona)} con ${nombreDe(s.personalId)}` }, `${hora(s.ini, zona)}${quien.value ? "" : ` · ${nombreDe(s.personalId)}`}`);
        b.addEventListener("click", () => elegir(s, b));
        return b;
      }));
      replace(estadoHorarios, slots.length
        ? `${slots.length} horarios libres el ${fechaLarga(fecha.value)}. Elige uno, o escribe otra hora abajo.`
        : `No hay horarios libres el ${fechaLarga(fecha.value)} con esas opciones.`);
      const pedida = params.get("hora");
      if (pedida) {
        const coincide = slots.find((s) => horaInput(s.ini, zona) === pedida);
        const boton = coincide && [...horarios.querySelectorAll("button")][slots.indexOf(coincide)];
        if (coincide) elegir(coincide, boton);
      }
    } catch (e) {
      replace(estadoHorarios, e.message);
    }
  };
  const refrescarHorarios = () => { params.delete("hora"); buscar(); };
  servicio.addEventListener("change", () => { rellenarQuien(); buscar(); });
  quien.addEventListener("change", buscar);
  donde.addEventListener("change", buscar);
  fecha.addEventListener("change", buscar);
  otraHora.addEventListener("input", () => {
    if (elegido && horaInput(elegido.ini, zona) !== otraHora.value) {
      elegido = null;
      for (const b of horarios.querySelectorAll("button")) b.setAttribute("aria-pressed", "false");
    }
  });
  rellenarQuien();

  const formulario = h("form", { class: "tarjeta media", "aria-labelledby": "titulo-nueva" },
    h("h1", { id: "titulo-nueva" }, "Nueva cita"),
    h("fieldset", {}, h("legend", {}, "Cliente"),
      campo("Buscar cliente", busqueda, "Escribe al menos dos letras o números."), sugeridos,
      h("div", { class: "columnas" }, campo("Teléfono (WhatsApp)", telefono), campo("Nombre", nombre))),
    h("fieldset", {}, h("legend", {}, "Servicio y horario"),
      campo("Servicio", servicio),
      h("div", { class: "columnas" }, campo("Con quién", quien), campo("Lugar", donde)),
      campo("Fecha", fecha),
      h("div", { class: "etiqueta" }, "Horarios libres"), estadoHorarios, horarios,
      campo("Hora", otraHora, "Se llena al elegir un horario; también puedes escribir otra.")),
    campo("Notas", notas),
    error,
    h("div", { class: "fila derecha" }, h("a", { class: "boton", href: `#/agenda?fecha=${fecha.value}` }, "Volver"), enviar));

  formulario.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.ocultar();
    if (!servicio.value) return error.mostrar("Elige un servicio.");
    if (!otraHora.value) return error.mostrar("Elige un horario libre o escribe la hora.");
    const ini = elegido?.ini ?? instanteUTC(fecha.value, otraHora.value, zona);
    enviar.disabled = true;
    try {
      const r = await agendar({
        telefono: telefono.value, nombre: nombre.value || null, servicio: servicio.value,
        personal: quien.value || elegido?.personalId || null, lugar: donde.value || elegido?.lugarId || null,
        ini, notas: notas.value || null, sucursal: params.get("sucursal") || null,
      });
      avisar(avisoDePlanUnaVez(r.aviso) ? `Cita agendada. ${r.aviso}` : "Cita agendada.");
      app.ir(`#/agenda?fecha=${fechaLocal(ini, zona)}`);
    } catch (err) {
      const alternativas = err.datos?.alternatives ?? [];
      error.mostrar(err.message, alternativas.length ? [
        h("p", {}, "Horarios cercanos que sí están libres:"),
        h("div", { class: "horarios-libres" }, alternativas.slice(0, 6).map((alt) => {
          const ini2 = alt.start ?? alt.startsAt;
          return h("button", { type: "button", class: "chico", onclick: () => {
            fecha.value = fechaLocal(ini2, zona);
            otraHora.value = horaInput(ini2, zona);
            elegido = { ini: ini2, personalId: alt.staffId ?? alt.staff?.id, lugarId: alt.spotId ?? alt.spot?.id };
            error.ocultar();
            enviar.focus();
          } }, `${fechaLocal(ini2, zona) === fecha.value ? "" : `${fechaLarga(fechaLocal(ini2, zona))}, `}${hora(ini2, zona)}`);
        })),
      ] : []);
      error.scrollIntoView({ block: "nearest" });
      if (err.tipo === "SlotTaken") refrescarHorarios(); // the list on screen is stale: someone just took a slot
    } finally {
      enviar.disabled = false;
    }
  });

  replace(principal, formulario);
  telefono.focus();
  if (servicio.value) buscar();
}

// ------------------------------------------------------------------ walk-in

export async function vistaVisitaSinCita(principal, params, app) {
  const { personal, servicios } = app.catalogo;
  const nombre = h("input", { type: "text", autocomplete: "off", placeholder: "Opcional" });
  const telefono = h("input", { type: "tel", autocomplete: "off", inputmode: "tel", placeholder: "Opcional" });
  const servicio = selector([{ value: "", label: "Elige un servicio" },
    ...servicios.filter((s) => s.activo).map((s) => ({ value: s.id, label: `${s.nombre} · ${duracion(s.duracion)}` }))], "",
  { required: true });
  const quien = selector([{ value: "", label: "Quien esté libre" },
    ...personal.filter((p) => p.activo).map((p) => ({ value: p.id, label: p.nombre }))], "");
  const notas = h("textarea", { rows: 2, placeholder: "Opcional" });
  const error = cajaError();
  const enviar = h("button", { class: "primario", type: "submit" }, "Registrar ahora");
  const formulario = h("form", { class: "tarjeta angosta", "aria-labelledby": "titulo-sin-cita" },
    h("h1", { id: "titulo-sin-cita" }, "Cliente sin cita"),
    h("p", {}, "Registra a alguien que llegó sin cita: empieza ahora con quien esté libre."),
    h("div", { class: "columnas" }, campo("Nombre", nombre), campo("Teléfono", telefono)),
    campo("Servicio", servicio), campo("Con quién", quien), campo("Notas", notas), error,
    h("div", { class: "fila derecha" }, h("a", { class: "boton", href: "#/agenda" }, "Volver"), enviar));
  formulario.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.ocultar();
    if (!servicio.value) return error.mostrar("Elige un servicio.");
    enviar.disabled = true;
    try {
      const r = await registrarSinCita({ nombre: nombre.value || null, telefono: telefono.value || null,
        servicio: servicio.value, personal: quien.value || null, notas: notas.value || null });
      avisar(`Listo: ${r.personalNombre ? `con ${r.personalNombre} ` : ""}a las ${hora(r.ini, app.zona)}.`);
      app.ir("#/agenda");
    } catch (err) {
      // Nobody free right now: offer the soonest times, booked as a regular appointment.
      const alternativas = (err.datos?.alternatives ?? []).slice(0, 4);
      const nombreDe = (id) => personal.find((p) => p.id === id)?.nombre ?? "";
      error.mostrar(err.message, alternativas.length ? h("div", { class: "horarios-libres" }, alternativas.map((alt) =>
        h("button", { type: "button", class: "chico", onclick: async (e) => {
          const boton = e.currentTarget;
          boton.disabled = true;
          try {
            await agendar({ telefono: telefono.value || null, nombre: nombre.value || null, servicio: servicio.value,
              personal: alt.staffId, lugar: alt.spotId, ini: alt.start, notas: notas.value || null });
            avisar("Cita agendada.");
            app.ir(`#/agenda?fecha=${fechaLocal(alt.start, app.zona)}`);
          } catch (otro) {
            error.mostrar(otro.message);
            boton.disabled = false;
          }
        } }, `Agendar a las ${hora(alt.start, app.zona)} con ${nombreDe(alt.staffId)}`))) : null);
    } finally {
      enviar.disabled = false;
    }
  });
  replace(principal, formulario);
  servicio.focus();
}

// ------------------------------------------------------------------ one appointment

export async function vistaCita(principal, params, app) {
  const zona = app.zona;
  const cita = await cargarCita(params.get("_id"));
  const fecha = fechaLocal(cita.ini, zona);
  const activa = cita.estado === "pending" || cita.estado === "confirmed";
  const puede = app.yo.nivel !== "viewer";
  const error = cajaError();
  const accion = (texto, clase, fn) => h("button", { type: "button", class: clase, onclick: async (e) => {
    const boton = e.currentTarget;
    boton.disabled = true;
    error.ocultar();
    try {
      await fn();
    } catch (err) {
      error.mostrar(err.message);
    } finally {
      boton.disabled = false;
    }
  } }, texto);

  const marcarComo = async (estado, texto) => {
    await marcar(cita.id, estado);
    avisar(texto);
    app.ir(`#/agenda?fecha=${fecha}`);
  };

  replace(principal, h("article", { class: "tarjeta angosta", "aria-labelledby": "titulo-cita" },
    h("p", {}, h("a", { href: `#/agenda?fecha=${fecha}` }, `‹ Agenda del ${fechaLarga(fecha)}`)),
    h("h1", { id: "titulo-cita" }, `${cita.servicio?.nombre ?? "Cita"} · ${cita.cliente?.nombre ?? "Cliente"}`),
    h("p", {}, h("span", { class: ["estado", cita.estado] }, etiqueta(ESTADOS, cita.estado))),
    activa && cita.nuevaHora ? h("p", { class: "nota nueva-hora", role: "note" }, "Necesita nueva hora: al reacomodar la "
      + "agenda no le encontramos lugar. Ya le escribimos por WhatsApp con otras opciones; reprográmala o cancélala.") : null,
    h("dl", { class: "columnas" },
      dato("Cuándo", `${fechaLarga(fecha)}, ${hora(cita.ini, zona)} – ${hora(cita.fin, zona)}`),
      dato("Cliente", cita.cliente?.id ? h("a", { href: `#/clientes/${cita.cliente.id}` }, cita.cliente.nombre ?? cita.cliente.telefono) : "—"),
      dato("Teléfono", cita.cliente?.telefono ? [`${cita.cliente.telefonoVisible ?? cita.cliente.telefono} `,
        h("a", { href: enlaceWhatsApp(cita.cliente.telefono), target: "_blank", rel: "noopener noreferrer" }, "Escribirle")] : "—"),
      dato("Con", cita.personal?.nombre ?? "—"),
      dato("Lugar", cita.lugar?.nombre ?? "—"),
      dato("Precio", dinero(cita.precio)),
      dato("Origen", etiqueta(ORIGENES, cita.origen)),
      cita.notas ? dato("Notas", cita.notas) : null,
      cita.motivoCancelacion ? dato("Motivo de cancelación", cita.motivoCancelacion) : null),
    error,
    puede ? h("div", { class: "fila" },
      accion(cita.notas ? "Editar notas" : "Agregar notas", "", async () => notasDialogo(cita, app))) : null,
    puede && activa ? h("div", { class: "fila" },
      accion("Reprogramar", "", async () => reprogramarDialogo(cita, app)),
      accion("Marcar como completada", "", () => marcarComo("completed", "Cita marcada como completada.")),
      accion("Marcar como no asistió", "", () => marcarComo("no_show", "Cita marcada como no asistió.")),
      accion("Cancelar cita", "peligro", async () => cancelarDialogo(cita, app))) : null));
}

/**
 * The free plan's warning rides on every booking past the allowance; the owner needs it once a
 * month, not on every toast (Ajustes › Negocio keeps the count). True when it should show now.
 */
function avisoDePlanUnaVez(aviso) {
  if (!aviso) return false;
  const clave = "parlo.aviso-plan";
  const mes = new Date().toISOString().slice(0, 7);
  if (localStorage.getItem(clave) === mes) return false;
  localStorage.setItem(clave, mes);
  return true;
}

/** Buttons for the free times the server proposes when the chosen one is taken. */
export function botonesAlternativas(alternativas, zona, fechaActual, elegir) {
  return [
    h("p", {}, "Horarios cercanos que sí están libres:"),
    h("div", { class: "horarios-libres", role: "group", "aria-label": "Horarios propuestos" },
      alternativas.slice(0, 6).map((alt) => {
        const ini = alt.start ?? alt.startsAt;
        return h("button", { type: "button", class: "chico", onclick: () => elegir(alt, ini) },
          `${fechaLocal(ini, zona) === fechaActual ? "" : `${fechaLarga(fechaLocal(ini, zona))}, `}${hora(ini, zona)}`);
      })),
  ];
}

function dato(titulo, valor) {
  return h("div", {}, h("dt", { class: "etiqueta" }, titulo), h("dd", {}, valor));
}

async function notasDialogo(cita, app) {
  const hecho = await dialogo("Notas de la cita", (cerrar) => {
    const notas = h("textarea", { rows: 4, maxlength: 1000, placeholder: "Lo que el equipo debe saber, o lo que se usó" });
    notas.value = cita.notas ?? "";
    const error = cajaError();
    const boton = h("button", { type: "submit", class: "primario" }, "Guardar notas");
    const f = h("form", {}, campo("Notas", notas), error,
      h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "Volver"), boton));
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      boton.disabled = true;
      error.ocultar();
      try {
        cerrar({ notas: await guardarNotasCita(cita.id, notas.value.trim()) });
      } catch (err) {
        error.mostrar(err.message);
        boton.disabled = false;
      }
    });
    setTimeout(() => notas.focus());
    return f;
  });
  if (hecho) {
    avisar(hecho.notas ? "Notas guardadas." : "Notas borradas.");
    app.ir(`#/cita/${cita.id}?v=${Date.now()}`);
  }
}

async function cancelarDialogo(cita, app) {
  const hecho = await dialogo("Cancelar cita", (cerrar) => {
    const motivo = h("input", { type: "text", placeholder: "Opcional" });
    const avisarCliente = h("input", { type: "checkbox", id: "avisar-cliente", checked: true });
    const error = cajaError();
    const boton = h("button", { type: "submit", class: "peligro lleno" }, "Cancelar cita");
    const f = h("form", {},
      h("p", {}, `${cita.cliente?.nombre ?? "Cliente"}, ${fechaLarga(fechaLocal(cita.ini, app.zona))} a las ${hora(cita.ini, app.zona)}.`),
      campo("Motivo", motivo),
      h("div", { class: "casilla" }, avisarCliente, h("label", { for: "avisar-cliente" }, "Avisar al cliente por WhatsApp")),
      error,
      h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "No cancelar"), boton));
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      boton.disabled = true;
      error.ocultar();
      try {
        await cancelar(cita.id, motivo.value || null, avisarCliente.checked);
        cerrar(avisarCliente.checked ? "avisado" : "sin-aviso");
      } catch (err) {
        error.mostrar(err.message);
        boton.disabled = false;
      }
    });
    setTimeout(() => motivo.focus());
    return f;
  });
  if (hecho) {
    avisar(hecho === "avisado" ? "Cita cancelada. Le avisamos al cliente." : "Cita cancelada.");
    app.ir(`#/agenda?fecha=${fechaLocal(cita.ini, app.zona)}`);
  }
}

async function reprogramarDialogo(cita, app) {
  const zona = app.zona;
  const { personal, lugares } = app.catalogo;
  const hecho = await dialogo("Reprogramar cita", (cerrar) => {
    const fecha = h("input", { type: "date", required: true, value: fechaLocal(cita.ini, zona) });
    const horaCampo = h("input", { type: "time", required: true, step: 300, value: horaInput(cita.ini, zona) });
    const quien = selector(personal.filter((p) => p.activo && (!cita.servicio?.id || p.servicios.includes(cita.servicio.id)))
      .map((p) => ({ value: p.id, label: p.nombre })), cita.personal?.id);
    const donde = selector([{ value: "", label: "Automático" },
      ...lugares.filter((l) => l.activo && (!cita.servicio?.id || l.servicios.includes(cita.servicio.id)))
        .map((l) => ({ value: l.id, label: l.nombre }))], cita.lugar?.id ?? "");
    const avisarCliente = h("input", { type: "checkbox", id: "avisar-cambio", checked: true });
    const libres = h("div", { class: "horarios-libres", role: "group", "aria-label": "Horarios libres" });
    const buscar = async () => {
      replace(libres, h("span", { class: "ayuda" }, "Buscando horarios…"));
      try {
        const slots = await horariosLibres({ servicio: cita.servicio.id, personal: quien.value || null,
          lugar: donde.value || null, fecha: fecha.value, moviendo: cita.id }, zona);
        slots.sort((a, b) => a.ini.localeCompare(b.ini));
        replace(libres, slots.length ? slots.slice(0, 24).map((s) => h("button", { type: "button", class: "chico",
          onclick: () => { horaCampo.value = horaInput(s.ini, zona); } }, hora(s.ini, zona)))
          : h("span", { class: "ayuda" }, "No hay horarios libres ese día."));
      } catch (e) {
        replace(libres, h("span", { class: "error" }, e.message));
      }
    };
    fecha.addEventListener("change", buscar);
    quien.addEventListener("change", buscar);
    const error = cajaError();
    const boton = h("button", { type: "submit", class: "primario" }, "Guardar cambio");
    const f = h("form", {},
      h("div", { class: "columnas" }, campo("Fecha", fecha), campo("Hora", horaCampo)),
      h("div", { class: "etiqueta" }, "Horarios libres"), libres,
      h("div", { class: "columnas" }, campo("Con quién", quien), campo("Lugar", donde)),
      h("div", { class: "casilla" }, avisarCliente, h("label", { for: "avisar-cambio" }, "Avisar al cliente por WhatsApp")),
      error,
      h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "Volver"), boton));
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      boton.disabled = true;
      error.ocultar();
      try {
        const ini = instanteUTC(fecha.value, horaCampo.value, zona);
        await reprogramar(cita.id, { ini, personal: quien.value || null, lugar: donde.value || null, avisar: avisarCliente.checked });
        cerrar(ini);
      } catch (err) {
        // "Te propongo estos horarios" must come with them: the server's alternatives, as buttons.
        const alternativas = err.datos?.alternatives ?? [];
        error.mostrar(err.message, alternativas.length ? botonesAlternativas(alternativas, zona, fecha.value, (alt, ini) => {
          fecha.value = fechaLocal(ini, zona);
          horaCampo.value = horaInput(ini, zona);
          const quienAlt = alt.staffId ?? alt.staff?.id;
          if (quienAlt && [...quien.options].some((o) => o.value === quienAlt)) quien.value = quienAlt;
          error.ocultar();
          boton.focus();
        }) : []);
        if (err.tipo === "SlotTaken" || err.tipo === "OutsideHours") buscar();
        boton.disabled = false;
      }
    });
    if (cita.servicio?.id) buscar();
    return f;
  });
  if (hecho) {
    avisar("Cita reprogramada.");
    app.ir(`#/cita/${cita.id}?v=${Date.now()}`);
  }
}

