// The schedule: day (one column per staff member, with appointments, blocks and free gaps),
// week, and list; filters by staff, service and status; refreshes itself every 30 seconds
// so bookings made on WhatsApp appear without reloading.

import { h, replace, campo, selector, dialogo, avisar, cajaError } from "../dom.js";
import {
  fechaLarga, fechaCorta, hora, hoy, sumarDias, inicioSemana, minutosDelDia, horaDeMinutos, horaInput,
  fechaLocal, dinero, diaSemana,
} from "../fechas.js";
import { ESTADOS, ORIGENES, etiqueta } from "../etiquetas.js";
import { cargarDia, cargarCitas, cargarBloqueos, quitarBloqueo, cargarCifras, cargarPorReacomodar } from "../datos.js";
import { colorDe, leyenda, pintar } from "../colores.js";
import { permitirMover } from "./mover.js";

const CADA = 30_000;
const NUEVA_HORA = "Necesita nueva hora";
const VISTAS = [["dia", "Día"], ["semana", "Semana"], ["lista", "Lista"]];

export async function vistaAgenda(principal, params, app) {
  const zona = app.zona;
  const estado = {
    fecha: valida(params.get("fecha")) ?? hoy(zona),
    vista: VISTAS.some(([v]) => v === params.get("vista")) ? params.get("vista") : "dia",
    personal: params.get("personal") ?? "",
    servicio: params.get("servicio") ?? "",
    estado: params.get("estado") ?? "",
    sucursal: params.get("sucursal") ?? "",
  };
  const sucursales = app.catalogo.sucursales.filter((l) => l.activa);
  const cambiar = (cambios) => {
    // On top of the address as it is now, not as this page was drawn: "Lista" and then at once
    // a stylist must keep both, even when the page has not been redrawn between the two clicks.
    const [camino, consulta = ""] = location.hash.replace(/^#\//, "").split("?");
    const base = camino === "agenda" ? { fecha: estado.fecha, ...Object.fromEntries(new URLSearchParams(consulta)) } : estado;
    const nuevo = { ...base, ...cambios };
    const q = new URLSearchParams();
    for (const clave of ["fecha", "vista", "personal", "servicio", "estado", "sucursal"]) if (nuevo[clave]) q.set(clave, nuevo[clave]);
    app.ir(`#/agenda?${q}`);
  };
  const paso = estado.vista === "semana" ? 7 : 1;
  const tituloTexto = estado.vista === "semana"
    ? `Semana del ${fechaLarga(inicioSemana(estado.fecha))}`
    : fechaLarga(estado.fecha);
  const selFecha = h("input", { type: "date", value: estado.fecha, "aria-label": "Ir a la fecha",
    onchange: (e) => valida(e.target.value) && cambiar({ fecha: e.target.value }) });
  selFecha.style.width = "auto";

  const { personal, servicios } = app.catalogo;
  const activos = [estado.personal, estado.servicio, estado.estado].filter(Boolean).length;
  const filtros = h("div", { class: "filtros", role: "group", "aria-label": "Filtros" },
    sucursales.length > 1 ? campo("Sucursal", selector(sucursales.map((l) => ({ value: l.id, label: l.nombre })),
      estado.sucursal || sucursales.find((l) => l.principal)?.id, { onchange: (e) => cambiar({ sucursal: e.target.value }) })) : null,
    campo("Equipo", selector([{ value: "", label: "Todo el equipo" },
      ...personal.filter((p) => p.activo).map((p) => ({ value: p.id, label: p.nombre }))], estado.personal,
    { onchange: (e) => cambiar({ personal: e.target.value }) })),
    campo("Servicio", selector([{ value: "", label: "Todos los servicios" },
      ...servicios.map((s) => ({ value: s.id, label: s.nombre }))], estado.servicio,
    { onchange: (e) => cambiar({ servicio: e.target.value }) })),
    campo("Estado", selector([{ value: "", label: "Todos los estados" },
      ...Object.entries(ESTADOS).map(([value, label]) => ({ value, label }))], estado.estado,
    { onchange: (e) => cambiar({ estado: e.target.value }) })));

  const contenido = h("section", { "aria-label": "Citas", "aria-busy": "true" }, h("p", { class: "cargando" }, "Cargando agenda…"));
  // Visits a rebooking plan left behind (issue 24): one folded line above the grid, only when there are some.
  const porReacomodar = h("div", { class: "caja-por-reacomodar" });
  const actualizado = h("span", { class: "actualizado", "aria-live": "off" });
  const puedeEditar = app.yo.nivel !== "viewer";
  const enlaceNueva = `#/cita/nueva?fecha=${estado.fecha}${estado.personal ? `&personal=${estado.personal}` : ""}${estado.sucursal ? `&sucursal=${estado.sucursal}` : ""}`;

  principal.classList.add("agenda");
  replace(principal,
    h("div", { class: "herramientas" },
      h("h1", { class: "titulo-fecha" }, mayuscula(tituloTexto)),
      h("div", { class: "fila" },
        h("button", { onclick: () => cambiar({ fecha: sumarDias(estado.fecha, -paso) }),
          "aria-label": estado.vista === "semana" ? "Semana anterior" : "Día anterior" }, "‹"),
        h("button", { onclick: () => cambiar({ fecha: hoy(zona) }) }, "Hoy"),
        h("button", { onclick: () => cambiar({ fecha: sumarDias(estado.fecha, paso) }),
          "aria-label": estado.vista === "semana" ? "Semana siguiente" : "Día siguiente" }, "›")),
      h("div", { class: "fila vista-fecha" },
        h("div", { class: "segmentos", role: "group", "aria-label": "Vista" },
          VISTAS.map(([v, texto]) => h("button", { "aria-pressed": String(v === estado.vista),
            onclick: () => cambiar({ vista: v }) }, texto))),
        selFecha)),
    puedeEditar ? h("div", { class: "acciones-agenda" },
      h("a", { class: "boton primario", href: enlaceNueva }, "Nueva cita"),
      h("a", { class: "boton", href: "#/cita/sin-cita" }, "Cliente sin cita"),
      h("a", { class: "boton", href: `#/bloqueos?fecha=${estado.fecha}` }, "Bloquear horario")) : null,
    porReacomodar,
    // Closed unless a filter is on: open, they took 110 px above the grid.
    h("details", { class: "caja-filtros", open: activos > 0 },
      h("summary", {}, activos ? `Filtros (${activos})` : "Filtros"), filtros),
    contenido,
    h("p", {}, actualizado));

  let ultimaHuella = "";
  let huellaLista = "";
  const cargar = async (silencioso) => {
    try {
      const [dibujo, pendientes] = await Promise.all([dibujar(estado, app, cambiar, () => cargar(true)), porReacomodarO()]);
      const claveLista = pendientes.map((c) => `${c.id}${c.ini}`).join();
      if (!silencioso || claveLista !== huellaLista) {
        const abierta = porReacomodar.querySelector("details")?.open ?? false;
        replace(porReacomodar, listaPorReacomodar(pendientes, app, abierta));
        huellaLista = claveLista;
      }
      const huella = dibujo.huella;
      if (!silencioso || huella !== ultimaHuella) {
        // Keep focus where it was when a refresh changes nothing on screen.
        replace(contenido, dibujo.nodo);
        dibujo.alMostrar?.();
        // User Timing: when the calendar is on screen (bench/dashboard.py reads it).
        if (!silencioso) performance.mark(`agenda-${estado.vista}-dibujada`);
      }
      ultimaHuella = huella;
      contenido.setAttribute("aria-busy", "false");
      replace(actualizado, `Actualizado a las ${hora(Date.now(), zona)}. Se actualiza solo cada 30 segundos.`);
    } catch (e) {
      if (!silencioso) replace(contenido, h("div", { class: "error", role: "alert" }, h("p", {}, e.message)));
      else replace(actualizado, `No se pudo actualizar: ${e.message}`);
    }
  };
  await cargar(false);
  const reloj = setInterval(() => { if (document.visibilityState === "visible") cargar(true); }, CADA);
  const alVolver = () => { if (document.visibilityState === "visible") cargar(true); };
  document.addEventListener("visibilitychange", alVolver);
  return () => { clearInterval(reloj); document.removeEventListener("visibilitychange", alVolver); };
}

async function dibujar(estado, app, cambiar, recargar) {
  if (estado.vista === "semana") return dibujarSemana(estado, app, cambiar, recargar);
  if (estado.vista === "lista") return dibujarLista(estado, app);
  return dibujarDia(estado, app, recargar);
}

// ------------------------------------------------------------------ day

async function dibujarDia(estado, app, recargar) {
  const zona = app.zona;
  const [dia, cifras] = await Promise.all([
    cargarDia(estado.fecha, { personal: estado.personal || null, sucursal: estado.sucursal || null }),
    cifrasO(estado.fecha, null, estado.personal),
  ]);
  const pasa = (cita) => (!estado.servicio || cita.servicio?.id === estado.servicio)
    && (!estado.estado || cita.estado === estado.estado);
  const columnas = dia.personal.filter((p) => !estado.personal || p.id === estado.personal);
  if (!columnas.length) {
    return { nodo: h("p", { class: "vacio" }, "Nadie del equipo trabaja este día."), huella: "vacio" };
  }
  // The visible hours: business hours, stretched to fit any appointment outside them — never
  // a block (a whole-day block would stretch the grid from 12:00 AM to midnight). On a closed
  // day, whoever works anyway sets the hours.
  const { inicio: ini0, fin: fin0 } = horasVisibles(dia, columnas, estado.fecha, zona);
  let inicio = ini0;
  let fin = fin0;
  inicio = Math.floor(inicio / 60) * 60;
  fin = Math.ceil(fin / 60) * 60;
  const altoHora = 64;
  const px = (min) => `${((min - inicio) / 60) * altoHora}px`;
  const minDe = (instante) => (fechaLocal(instante, zona) > estado.fecha ? 24 * 60 : minutosDelDia(instante, zona));
  const minDeIni = (instante) => (fechaLocal(instante, zona) < estado.fecha ? 0 : minutosDelDia(instante, zona));
  const alto = ((fin - inicio) / 60) * altoHora;

  const horas = h("div", { class: "horas", "aria-hidden": "true" });
  for (let m = inicio; m < fin; m += 60) horas.append(h("div", {}, horaDeMinutos(m)));
  horas.style.gridRow = "2";

  const cabezas = [h("div", { class: "dia-cabeza esquina", "aria-hidden": "true" })];
  const cuerpos = [];
  const huella = [];
  const movibles = new Map();
  const servicios = new Set();
  for (const col of columnas) {
    const citas = col.items.filter((i) => i.tipo === "cita");
    cabezas.push(h("div", { class: "dia-cabeza", "aria-hidden": "true" }, col.nombre,
      h("small", {}, col.trabajo.length ? `${citas.length} ${citas.length === 1 ? "cita" : "citas"}` : "No trabaja")));
    const cuerpo = h("div", { class: "columna", role: "list", "data-fecha": estado.fecha, "data-personal": col.id,
      "data-nombre": col.nombre,
      "aria-label": `Agenda de ${col.nombre}: ${col.trabajo.length ? `${citas.length} ${citas.length === 1 ? "cita" : "citas"}` : "no trabaja"}` });
    cuerpo.style.height = `${alto}px`;
    cuerpo.style.gridRow = "2";
    // Shade what is outside this person's working hours.
    let cursor = inicio;
    const trabajo = [...col.trabajo].sort((a, b) => minDe(a.ini) - minDe(b.ini));
    for (const t of [...trabajo, { ini: null }]) {
      const desde = t.ini ? minDe(t.ini) : fin;
      if (desde > cursor) {
        const sombra = h("div", { class: "fuera", "aria-hidden": "true" });
        sombra.style.top = px(cursor);
        sombra.style.height = `${((desde - cursor) / 60) * altoHora}px`;
        cuerpo.append(sombra);
      }
      if (t.fin) cursor = Math.max(cursor, minDe(t.fin));
    }
    for (const item of col.items) {
      if (item.tipo === "cita" && !pasa(item.cita)) continue;
      const a = Math.max(inicio, item.tipo === "cita" ? minDe(item.ini) : minDeIni(item.ini));
      const b = Math.min(fin, minDe(item.fin));
      if (b <= a) continue;
      const nodo = bloqueDia(item, col, app, estado, recargar);
      if (!nodo) continue;
      nodo.style.top = px(a);
      nodo.style.height = `${Math.max(((b - a) / 60) * altoHora - 2, 18)}px`;
      if (item.tipo === "cita") {
        movibles.set(item.cita.id, { ...item.cita, personal: { id: col.id, nombre: col.nombre } });
        servicios.add(item.cita.servicio?.id);
      }
      cuerpo.append(h("div", { role: "listitem" }, nodo));
      huella.push(`${col.id}|${item.tipo}|${item.ini}|${item.fin}|${item.cita?.id ?? item.bloqueo?.id ?? ""}|${item.cita?.estado ?? ""}|${item.cita?.nuevaHora ?? ""}`);
    }
    if (estado.fecha === hoy(zona)) {
      const ahora = minutosDelDia(Date.now(), zona);
      if (ahora >= inicio && ahora <= fin) {
        const linea = h("div", { class: "linea-ahora", "aria-hidden": "true" });
        linea.style.top = px(ahora);
        cuerpo.append(linea);
      }
    }
    cuerpos.push(cuerpo);
  }
  const rejilla = h("div", { class: "dia-rejilla", role: "group", "aria-label": `Agenda del ${fechaLarga(estado.fecha)}` },
    cabezas, horas, cuerpos);
  rejilla.style.setProperty("--columnas", String(columnas.length));
  if (app.yo.nivel !== "viewer") permitirMover(rejilla, { inicio, fin, altoHora, citas: soloActivas(movibles), app, recargar });
  const aviso = dia.cerrado ? h("p", { class: "nota" }, "El negocio está cerrado este día.") : null;
  const { marco, alMostrar } = marcoDesplazable(rejilla, "dia", columnas.length, "a todo el equipo");
  return {
    nodo: h("div", { class: "vista-rejilla" }, aviso, totales(cifras, "del día", app), marco,
      servicios.size ? leyenda(app, servicios, { nuevaHora: [...movibles.values()].some((c) => c.nuevaHora) }) : null,
      impresion(estado, columnas, app)),
    huella: huella.join("\n") + dia.cerrado + JSON.stringify(cifras), alMostrar,
  };
}

/**
 * What the printer gets (print stylesheet): the chosen day's whole agenda, one section per
 * stylist, every appointment and block as a row — never the scrolled window of the grid, never
 * the menus. Hidden on screen.
 */
function impresion(estado, columnas, app) {
  const zona = app.zona;
  return h("section", { class: "impresion", "aria-label": "Agenda para imprimir" },
    h("h2", {}, `${app.yo.negocio} · ${mayuscula(fechaLarga(estado.fecha))}`),
    columnas.map((col) => {
      const filas = col.items.filter((i) => i.tipo !== "libre").sort((a, b) => a.ini.localeCompare(b.ini));
      return h("div", { class: "impresion-persona" },
        h("h3", {}, col.nombre),
        filas.length ? h("table", {}, h("tbody", {}, filas.map((i) => h("tr", {},
          h("td", {}, `${hora(i.ini, zona)} – ${hora(i.fin, zona)}`),
          h("td", {}, i.tipo === "cita" ? (i.cita.cliente?.nombre ?? "Cliente") : (i.motivo || "Bloqueado")),
          h("td", {}, i.tipo === "cita" ? (i.cita.servicio?.nombre ?? "") : "Bloqueo"),
          h("td", {}, i.tipo === "cita" ? etiqueta(ESTADOS, i.cita.estado) : ""),
          h("td", {}, i.tipo === "cita" && i.cita.cliente?.telefonoVisible ? i.cita.cliente.telefonoVisible : "")))))
          : h("p", {}, col.trabajo.length ? "Sin citas." : "No trabaja."));
    }));
}

/** The figures, or null when this server or this person has none to give (the grid still shows). */
async function cifrasO(desde, hasta, personal) {
  try {
    return await cargarCifras(desde, hasta, personal);
  } catch (e) {
    if (e.tipo === "NoDisponible" || e.tipo === "PermissionDenied") return null;
    throw e;
  }
}

/**
 * Totals over the grid: appointments, expected revenue (completed plus still booked), and how
 * many each person has — the numbers the owner gets on WhatsApp, from the same resolver.
 */
function totales(cifras, cuando, app) {
  if (!cifras) return null;
  const propio = app.yo.nivel === "staff" || app.yo.nivel === "viewer";
  return h("section", { class: "totales", "aria-label": `Totales ${cuando}` },
    h("div", { class: "total" }, h("strong", {}, String(cifras.citas)), cifras.citas === 1 ? " cita" : " citas"),
    h("div", { class: "total" }, h("strong", {}, dinero(cifras.esperado)), " esperado"),
    cifras.ingresos ? h("div", { class: "total" }, h("strong", {}, dinero(cifras.ingresos)), " cobrado") : null,
    !propio && cifras.porPersona.length ? h("ul", { class: "por-persona", "aria-label": "Citas por persona" },
      cifras.porPersona.map((p) => h("li", {}, `${p.nombre.split(" ")[0]}: ${p.citas}`))) : null);
}

/** Only what can still move: a pending or confirmed appointment. */
function soloActivas(citas) {
  return new Map([...citas].filter(([, c]) => c.estado === "pending" || c.estado === "confirmed"));
}

/**
 * The grid's scrolling frame. On a phone only two or three columns fit: a visible hint says
 * there are more to the side (and scrolls there when tapped), the time column stays put, and
 * the frame's right edge fades while something is hidden past it.
 */
function marcoDesplazable(rejilla, clase, columnas, quienes) {
  const marco = h("div", { class: clase }, rejilla);
  const pista = h("button", { type: "button", class: "pista-lado chico", hidden: true,
    onclick: () => marco.scrollBy({ left: marco.clientWidth * 0.8, behavior: "smooth" }) },
  `Desliza para ver ${quienes} (${columnas}) →`);
  const revisar = () => {
    const escondido = marco.scrollWidth - marco.clientWidth - marco.scrollLeft > 4;
    marco.classList.toggle("hay-mas", escondido);
    pista.hidden = marco.scrollWidth <= marco.clientWidth + 4;
    pista.disabled = !escondido;
  };
  marco.addEventListener("scroll", revisar, { passive: true });
  return { marco: h("div", { class: "marco-rejilla" }, pista, marco), alMostrar: () => requestAnimationFrame(revisar) };
}

/** [inicio, fin) in minutes of the local day that the grid shows. */
export function horasVisibles(dia, columnas, fecha, zona) {
  const minIni = (instante) => (fechaLocal(instante, zona) < fecha ? 0 : minutosDelDia(instante, zona));
  const minFin = (instante) => (fechaLocal(instante, zona) > fecha ? 24 * 60 : minutosDelDia(instante, zona));
  const base = dia.horario.length ? dia.horario : columnas.flatMap((c) => c.trabajo);
  const citas = columnas.flatMap((c) => c.items.filter((i) => i.tipo === "cita"));
  let inicio = 24 * 60;
  let fin = 0;
  for (const r of [...base, ...citas]) {
    inicio = Math.min(inicio, minIni(r.ini));
    fin = Math.max(fin, minFin(r.fin));
  }
  if (inicio >= fin) { inicio = 9 * 60; fin = 20 * 60; }
  return { inicio, fin };
}

function bloqueDia(item, col, app, estado, recargar) {
  const zona = app.zona;
  const rango = `${hora(item.ini, zona)} – ${hora(item.fin, zona)}`;
  if (item.tipo === "cita") {
    return bloqueCita(item.cita, app, { rango, conPersona: false });
  }
  if (item.tipo === "bloqueo") {
    const motivo = item.motivo || "Bloqueado";
    const puede = app.yo.nivel !== "viewer" && item.bloqueo?.id;
    return h(puede ? "button" : "div", {
      class: ["bloque", "bloqueo"], type: puede ? "button" : null,
      "aria-label": `${rango}, bloqueado: ${motivo}${item.bloqueo?.todos ? " (todo el negocio)" : ""}`,
      onclick: puede ? () => confirmarQuitar(item, app, recargar) : null,
    }, h("strong", {}, motivo), h("span", {}, rango));
  }
  if (item.tipo === "libre" && app.yo.nivel !== "viewer") {
    const minutos = (new Date(item.fin) - new Date(item.ini)) / 60000;
    if (minutos < 15) return null;
    const inicioTexto = horaInput(item.ini, zona);
    return h("a", {
      class: ["bloque", "libre"],
      href: `#/cita/nueva?fecha=${estado.fecha}&personal=${col.id}&hora=${inicioTexto}${estado.sucursal ? `&sucursal=${estado.sucursal}` : ""}`,
      "aria-label": `Libre de ${rango}: agendar con ${col.nombre}`,
    }, h("span", {}, minutos >= 30 ? `Libre · ${rango}` : "Libre"));
  }
  return null;
}

/** An appointment on a grid: its service's colour, its status as a badge and a pattern. */
function bloqueCita(c, app, { rango, conPersona }) {
  const zona = app.zona;
  const activa = c.estado === "pending" || c.estado === "confirmed";
  const puede = activa && app.yo.nivel !== "viewer";
  // Left behind by a rebooking plan: its time no longer holds (its stylist or chair is out).
  const nuevaHora = activa && c.nuevaHora;
  const nodo = h("a", {
    class: ["bloque", "cita", c.estado, nuevaHora && "nueva-hora"], href: `#/cita/${c.id}`, draggable: "false",
    "data-cita": puede ? c.id : null,
    "aria-label": `${rango}, ${c.cliente?.nombre ?? "Cliente"}, ${c.servicio?.nombre ?? ""}`
      + `${conPersona && c.personal?.nombre ? ` con ${c.personal.nombre}` : ""}, ${nuevaHora ? NUEVA_HORA.toLowerCase() : etiqueta(ESTADOS, c.estado)}`,
    title: puede ? "Arrastra para mover (o Alt + flechas y Enter)" : null,
  }, h("strong", {}, `${hora(c.ini, zona)} ${c.cliente?.nombre ?? "Cliente"}`),
  h("span", {}, `${c.servicio?.nombre ?? ""}${conPersona && c.personal?.nombre ? ` · ${c.personal.nombre.split(" ")[0]}` : ""}`),
  nuevaHora ? h("span", { class: ["insignia", "nueva-hora"] }, NUEVA_HORA)
    : h("span", { class: ["insignia", c.estado] }, etiqueta(ESTADOS, c.estado)));
  return pintar(nodo, colorDe(app, c.servicio?.id));
}

async function confirmarQuitar(item, app, recargar) {
  const zona = app.zona;
  const hecho = await dialogo("Quitar bloqueo", (cerrar) => {
    const error = cajaError();
    const boton = h("button", { class: "peligro lleno", type: "button", onclick: async () => {
      boton.disabled = true;
      error.ocultar();
      try {
        await quitarBloqueo(item.bloqueo.id);
        cerrar(true);
      } catch (e) {
        error.mostrar(e.message);
        boton.disabled = false;
      }
    } }, "Quitar bloqueo");
    return h("div", {},
      h("p", {}, `${item.motivo || "Bloqueo"}: ${fechaLarga(fechaLocal(item.ini, zona))}, ${hora(item.ini, zona)} – ${hora(item.fin, zona)}.`),
      item.bloqueo?.todos ? h("p", { class: "nota" }, "Este bloqueo es para todo el negocio.") : null,
      error,
      h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "Conservar"), boton));
  });
  if (hecho) {
    avisar("Bloqueo quitado.");
    await recargar();
  }
}

// ------------------------------------------------------------------ week

/**
 * The week as a time grid: one column per day, hours as rows, the day grid's behaviour (colour
 * by service, status badges, blocks, drag to move). With a stylist chosen it is that person's
 * week; otherwise everyone's appointments of a day share its column, side by side when they
 * overlap.
 */
async function dibujarSemana(estado, app, cambiar, recargar) {
  const zona = app.zona;
  const lunes = inicioSemana(estado.fecha);
  const fechas = [0, 1, 2, 3, 4, 5, 6].map((i) => sumarDias(lunes, i));
  const [todas, bloqueos, cifras] = await Promise.all([
    cargarCitas({ desde: lunes, hasta: sumarDias(lunes, 7), personal: estado.personal, servicio: estado.servicio,
      estado: estado.estado, ligera: true }, zona),
    cargarBloqueos(lunes, sumarDias(lunes, 7), zona, estado.personal || null),
    cifrasO(lunes, sumarDias(lunes, 6), estado.personal),
  ]);
  // Cancelled visits leave the grid unless they are what the filter asks for.
  const citas = todas.filter((c) => c.estado !== "cancelled" || estado.estado === "cancelled");
  const sucursal = app.catalogo.sucursales.find((l) => l.id === estado.sucursal)
    ?? app.catalogo.sucursales.find((l) => l.principal) ?? app.catalogo.sucursales[0];
  const { inicio, fin } = horasDeSemana(sucursal, citas, zona);
  const altoHora = 56;
  const px = (min) => `${((min - inicio) / 60) * altoHora}px`;
  const hoyLocal = hoy(zona);

  const horas = h("div", { class: "horas", "aria-hidden": "true" });
  for (let m = inicio; m < fin; m += 60) horas.append(h("div", {}, horaDeMinutos(m)));
  horas.style.gridRow = "2";
  const cabezas = [h("div", { class: "dia-cabeza esquina", "aria-hidden": "true" })];
  const cuerpos = [];
  const movibles = new Map();
  const servicios = new Set();
  const persona = estado.personal ? app.catalogo.personal.find((p) => p.id === estado.personal) : null;
  for (const fecha of fechas) {
    const delDia = citas.filter((c) => fechaLocal(c.ini, zona) === fecha).sort((a, b) => a.ini.localeCompare(b.ini));
    const cuantas = `${delDia.length} ${delDia.length === 1 ? "cita" : "citas"}`;
    cabezas.push(h("div", { class: ["dia-cabeza", fecha === hoyLocal && "hoy"] },
      h("button", { type: "button", class: "enlace-dia", onclick: () => cambiar({ fecha, vista: "dia" }),
        "aria-label": `Ver el ${fechaLarga(fecha)}` }, mayuscula(fechaCorta(fecha))),
      h("small", {}, cuantas)));
    const cuerpo = h("div", { class: ["columna", fecha === hoyLocal && "hoy"], role: "list", "data-fecha": fecha,
      "data-personal": persona?.id ?? null, "data-nombre": persona?.nombre ?? null,
      "aria-label": `${mayuscula(fechaLarga(fecha))}: ${cuantas}` });
    cuerpo.style.height = px(fin);
    cuerpo.style.gridRow = "2";
    const cerrado = sucursal?.horario.find((d) => d.dia === diaSemana(fecha));
    if (!cerrado || cerrado.cerrado || !cerrado.rangos.length) cuerpo.classList.add("cerrado");
    for (const b of bloqueos) {
      const [a, z] = tramoDelDia(b.ini, b.fin, fecha, zona);
      const desde = Math.max(a, inicio);
      const hasta = Math.min(z, fin);
      if (hasta <= desde) continue;
      const nodo = h("div", { class: ["bloque", "bloqueo"],
        "aria-label": `${hora(b.ini, zona)} – ${hora(b.fin, zona)}, bloqueado: ${b.motivo || "Bloqueado"}${b.personalNombre ? ` (${b.personalNombre})` : " (todo el negocio)"}` },
      h("strong", {}, b.motivo || "Bloqueado"), b.personalNombre && !persona ? h("span", {}, b.personalNombre) : null);
      nodo.style.top = px(desde);
      nodo.style.height = `${((hasta - desde) / 60) * altoHora - 2}px`;
      cuerpo.append(h("div", { role: "listitem" }, nodo));
    }
    for (const { cita: c, carril, carriles } of carrilesDe(delDia)) {
      const a = Math.max(inicio, minutosDelDia(c.ini, zona));
      const z = Math.min(fin, fechaLocal(c.fin, zona) > fecha ? 24 * 60 : minutosDelDia(c.fin, zona));
      const nodo = bloqueCita(c, app, { rango: `${fechaLarga(fecha)}, ${hora(c.ini, zona)} – ${hora(c.fin, zona)}`, conPersona: !persona });
      nodo.style.top = px(a);
      nodo.style.height = `${Math.max(((z - a) / 60) * altoHora - 2, 18)}px`;
      nodo.style.left = `calc(${(carril / carriles) * 100}% + 2px)`;
      nodo.style.width = `calc(${100 / carriles}% - 4px)`;
      nodo.style.right = "auto";
      movibles.set(c.id, c);
      servicios.add(c.servicio?.id);
      cuerpo.append(h("div", { role: "listitem" }, nodo));
    }
    if (fecha === hoyLocal) {
      const ahora = minutosDelDia(Date.now(), zona);
      if (ahora >= inicio && ahora <= fin) {
        const linea = h("div", { class: "linea-ahora", "aria-hidden": "true" });
        linea.style.top = px(ahora);
        cuerpo.append(linea);
      }
    }
    cuerpos.push(cuerpo);
  }
  const rejilla = h("div", { class: "dia-rejilla semana-rejilla", role: "group",
    "aria-label": `Semana del ${fechaLarga(lunes)}${persona ? ` de ${persona.nombre}` : ""}` }, cabezas, horas, cuerpos);
  rejilla.style.setProperty("--columnas", "7");
  rejilla.style.setProperty("--alto-hora", `${altoHora}px`);
  if (app.yo.nivel !== "viewer") permitirMover(rejilla, { inicio, fin, altoHora, citas: soloActivas(movibles), app, recargar });
  const { marco, alMostrar } = marcoDesplazable(rejilla, "dia", 7, "toda la semana");
  return {
    nodo: h("div", { class: "vista-rejilla" }, persona ? h("p", { class: "ayuda" }, `La semana de ${persona.nombre}.`) : null,
      totales(cifras, "de la semana", app), marco,
      servicios.size ? leyenda(app, servicios, { nuevaHora: citas.some((c) => c.nuevaHora && c.estado !== "cancelled") }) : null),
    huella: citas.map((c) => `${c.id}${c.estado}${c.ini}${c.personal?.id}${c.nuevaHora}`).join() + bloqueos.map((b) => b.id).join()
      + JSON.stringify(cifras),
    alMostrar,
  };
}

/** [start, end) in minutes of `fecha` covered by an interval that may span several days. */
function tramoDelDia(ini, fin, fecha, zona) {
  const fi = fechaLocal(ini, zona);
  const ff = fechaLocal(fin, zona);
  if (fi > fecha || ff < fecha) return [0, 0];
  return [fi < fecha ? 0 : minutosDelDia(ini, zona), ff > fecha ? 24 * 60 : minutosDelDia(fin, zona)];
}

/** The week's visible hours: the location's opening hours on any day, plus appointments outside them. */
function horasDeSemana(sucursal, citas, zona) {
  let inicio = 24 * 60;
  let fin = 0;
  for (const d of sucursal?.horario ?? []) {
    if (d.cerrado) continue;
    for (const [abre, cierra] of d.rangos) {
      inicio = Math.min(inicio, minutosDeTexto(abre));
      fin = Math.max(fin, cierra === "00:00" ? 24 * 60 : minutosDeTexto(cierra));
    }
  }
  for (const c of citas) {
    inicio = Math.min(inicio, minutosDelDia(c.ini, zona));
    fin = Math.max(fin, fechaLocal(c.fin, zona) > fechaLocal(c.ini, zona) ? 24 * 60 : minutosDelDia(c.fin, zona));
  }
  if (inicio >= fin) { inicio = 9 * 60; fin = 20 * 60; }
  return { inicio: Math.floor(inicio / 60) * 60, fin: Math.ceil(fin / 60) * 60 };
}

function minutosDeTexto(hhmm) {
  const [hh, mm] = hhmm.split(":").map(Number);
  return hh * 60 + mm;
}

/** Side-by-side lanes for overlapping appointments of one column: [{cita, carril, carriles}]. */
export function carrilesDe(citas) {
  const salida = [];
  let grupo = [];
  let finGrupo = "";
  const cerrar = () => {
    const carriles = [];
    for (const c of grupo) {
      let i = carriles.findIndex((finCarril) => finCarril <= c.ini);
      if (i < 0) { i = carriles.length; carriles.push(""); }
      carriles[i] = c.fin;
      salida.push({ cita: c, carril: i, carriles: 0 });
    }
    for (const s of salida.slice(salida.length - grupo.length)) s.carriles = carriles.length;
    grupo = [];
  };
  for (const c of [...citas].sort((a, b) => a.ini.localeCompare(b.ini))) {
    if (grupo.length && c.ini >= finGrupo) cerrar();
    grupo.push(c);
    finGrupo = grupo.length === 1 || c.fin > finGrupo ? c.fin : finGrupo;
  }
  if (grupo.length) cerrar();
  return salida;
}

// ------------------------------------------------------------------ list

async function dibujarLista(estado, app) {
  const zona = app.zona;
  const citas = await cargarCitas({ desde: estado.fecha, hasta: sumarDias(estado.fecha, 7),
    personal: estado.personal, servicio: estado.servicio, estado: estado.estado }, zona);
  if (!citas.length) return { nodo: h("p", { class: "vacio" }, "No hay citas en estos 7 días con esos filtros."), huella: "" };
  citas.sort((a, b) => a.ini.localeCompare(b.ini));
  const filas = citas.map((c) => h("tr", {},
    h("td", { "data-titulo": "Fecha" }, `${fechaCorta(fechaLocal(c.ini, zona))}, ${hora(c.ini, zona)}`),
    h("td", { "data-titulo": "Cliente" }, h("a", { href: `#/cita/${c.id}` }, c.cliente?.nombre ?? "Cliente")),
    h("td", { "data-titulo": "Servicio" }, c.servicio?.nombre ?? ""),
    h("td", { "data-titulo": "Con" }, c.personal?.nombre ?? ""),
    h("td", { "data-titulo": "Lugar" }, c.lugar?.nombre ?? ""),
    h("td", { "data-titulo": "Origen" }, etiqueta(ORIGENES, c.origen)),
    h("td", { "data-titulo": "Precio" }, dinero(c.precio)),
    h("td", { "data-titulo": "Estado" }, h("span", { class: ["estado", c.estado] }, etiqueta(ESTADOS, c.estado)),
      c.nuevaHora && activaCita(c) ? [" ", h("span", { class: ["estado", "nueva-hora"] }, NUEVA_HORA)] : null)));
  return {
    nodo: h("div", {},
      h("p", { class: "ayuda" }, `Del ${fechaLarga(estado.fecha)} al ${fechaLarga(sumarDias(estado.fecha, 6))}: ${citas.length} ${citas.length === 1 ? "cita" : "citas"}.`),
      h("ul", { class: "lista-citas", "aria-label": "Citas" }, citas.map((c) => h("li", { class: c.estado },
        h("div", { class: "linea1" },
          h("a", { href: `#/cita/${c.id}` }, `${fechaCorta(fechaLocal(c.ini, zona))}, ${hora(c.ini, zona)} · ${c.cliente?.nombre ?? "Cliente"}`),
          h("span", { class: ["estado", c.estado] }, etiqueta(ESTADOS, c.estado)),
          c.nuevaHora && activaCita(c) ? h("span", { class: ["estado", "nueva-hora"] }, NUEVA_HORA) : null),
        h("div", { class: "linea2" }, `${c.servicio?.nombre ?? ""} con ${c.personal?.nombre ?? ""}${c.lugar ? ` · ${c.lugar.nombre}` : ""} · ${dinero(c.precio)} · ${etiqueta(ORIGENES, c.origen)}`)))),
      h("table", { class: "tabla solo-ancho" },
        h("caption", { class: "oculto-visual" }, "Citas"),
        h("thead", {}, h("tr", {}, ["Fecha", "Cliente", "Servicio", "Con", "Lugar", "Origen", "Precio", "Estado"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, filas))),
    huella: citas.map((c) => `${c.id}${c.estado}${c.ini}${c.nuevaHora}`).join(),
  };
}

const activaCita = (c) => c.estado === "pending" || c.estado === "confirmed";

/** The list, or none when it cannot be had (an older server, a hiccup): the agenda draws regardless. */
async function porReacomodarO() {
  try {
    return await cargarPorReacomodar();
  } catch (e) {
    if (e.tipo === "NotAuthenticated") throw e;
    console.warn("citas por reacomodar:", e);
    return [];
  }
}

/**
 * The visits a rebooking plan could not place, as a list the owner works through: each opens
 * the appointment, where it can be moved ("Reprogramar") or cancelled. Folded to one line so
 * the grid stays near the top on a phone; nothing at all when there are none.
 */
function listaPorReacomodar(citas, app, abierta) {
  if (!citas.length) return null;
  const zona = app.zona;
  const cuantas = citas.length === 1 ? "1 cita necesita nueva hora" : `${citas.length} citas necesitan nueva hora`;
  const puede = app.yo.nivel !== "viewer";
  return h("details", { class: "por-reacomodar", open: abierta },
    h("summary", {}, cuantas),
    h("p", { class: "ayuda" }, "Al reacomodar no les encontramos lugar. Ya les escribimos por WhatsApp con otras opciones "
      + "y la lista de espera; si te contestan a ti, muévelas o cancélalas aquí."),
    h("ul", { class: "lista-simple", "aria-label": "Citas que necesitan nueva hora" }, citas.map((c) => {
      const nombre = c.cliente?.nombre ?? c.cliente?.telefonoVisible ?? "Cliente";
      return h("li", {},
        h("div", { class: "fila" },
          h("div", { style: { flex: "1 1 220px" } },
            h("strong", {}, `${mayuscula(fechaCorta(fechaLocal(c.ini, zona)))}, ${hora(c.ini, zona)} · ${nombre}`),
            h("div", { class: "ayuda" }, `${c.servicio?.nombre ?? ""}${c.personal?.nombre ? ` con ${c.personal.nombre}` : ""}`
              + `${c.cliente?.telefonoVisible ? ` · ${c.cliente.telefonoVisible}` : ""}`)),
          h("a", { class: ["boton", "chico", puede && "primario"], href: `#/cita/${c.id}`,
            "aria-label": puede ? `Mover o cancelar la cita de ${nombre}` : `Ver la cita de ${nombre}` },
          puede ? "Mover o cancelar" : "Ver")));
    })));
}

function mayuscula(texto) {
  return texto.charAt(0).toUpperCase() + texto.slice(1);
}

function valida(fecha) {
  return fecha && /^\d{4}-\d{2}-\d{2}$/.test(fecha) ? fecha : null;
}
