// Settings: the business, locations and their hours, services, team, spots.
// Each list shows what exists; "Editar" and "Agregar" open a small form in a dialog.

import { h, replace, campo, selector, dialogo, avisar, cajaError } from "../dom.js";
import { DIAS, dinero, duracion, horaDeTexto } from "../fechas.js";
import { NIVELES, WHATSAPP, PLANES, COLORES, etiqueta, telefonoLegible } from "../etiquetas.js";
import { pintar } from "../colores.js";
import {
  cargarNegocio, guardarNegocio, cargarSucursales, guardarSucursal, guardarHorario, guardarServicio, borrarServicio,
  guardarPersonal, activarPersonal, guardarHorasPersonal, guardarLugar, borrarLugar, salirEnTodos,
} from "../datos.js";
import { cerrarSesion, esSuplantacion } from "../sesion.js";

const PESTANAS = [
  ["negocio", "Negocio"], ["sucursales", "Sucursales y horario"], ["servicios", "Servicios"],
  ["personal", "Equipo"], ["lugares", "Lugares"],
];
const ZONAS = [
  ["America/Mexico_City", "Centro (Ciudad de México)"], ["America/Monterrey", "Centro (Monterrey)"],
  ["America/Merida", "Centro (Mérida)"], ["America/Cancun", "Sureste (Cancún)"],
  ["America/Chihuahua", "Pacífico (Chihuahua)"], ["America/Mazatlan", "Pacífico (Mazatlán)"],
  ["America/Hermosillo", "Sonora (Hermosillo)"], ["America/Tijuana", "Noroeste (Tijuana)"],
  ["America/Ciudad_Juarez", "Frontera (Ciudad Juárez)"], ["America/Matamoros", "Frontera (Matamoros)"],
];

export async function vistaAjustes(principal, params, app) {
  const actual = PESTANAS.some(([p]) => p === params.get("_id")) ? params.get("_id") : "negocio";
  const cuerpo = h("div", {});
  replace(principal, h("h1", {}, "Ajustes"),
    h("nav", { class: "pestanas", "aria-label": "Ajustes" }, PESTANAS.map(([clave, texto]) =>
      h("a", { href: `#/ajustes/${clave}`, "aria-current": clave === actual ? "page" : null }, texto))),
    cuerpo);
  const puede = ["owner", "admin"].includes(app.yo.nivel);
  const recargar = async () => {
    await app.refrescarCatalogo();
    await PINTORES[actual](cuerpo, app, puede, recargar);
  };
  await PINTORES[actual](cuerpo, app, puede, recargar);
}

const PINTORES = { negocio: pintarNegocio, sucursales: pintarSucursales, servicios: pintarServicios, personal: pintarPersonal, lugares: pintarLugares };

// ------------------------------------------------------------------ business

async function pintarNegocio(cuerpo, app, puede) {
  const n = await cargarNegocio();
  const nombre = h("input", { type: "text", required: true, value: n.nombre });
  const zona = selector(ZONAS.some(([z]) => z === n.zona) ? ZONAS.map(([value, label]) => ({ value, label }))
    : [{ value: n.zona, label: n.zona }, ...ZONAS.map(([value, label]) => ({ value, label }))], n.zona);
  const error = cajaError();
  const boton = h("button", { type: "submit", class: "primario" }, "Guardar");
  const f = h("form", { class: "tarjeta" }, h("h2", {}, "Datos del negocio"),
    campo("Nombre del negocio", nombre), campo("Zona horaria", zona), error,
    puede ? h("div", { class: "fila derecha" }, boton) : null);
  if (!puede) { nombre.readOnly = true; zona.disabled = true; }
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.ocultar();
    boton.disabled = true;
    try {
      await guardarNegocio({ nombre: nombre.value, zona: zona.value });
      app.yo.negocio = nombre.value;
      app.yo.zona = zona.value;
      app.zona = zona.value;
      avisar("Datos del negocio guardados.");
      document.querySelector(".negocio").textContent = `${nombre.value} · ${app.yo.nombre}`;
    } catch (err) {
      error.mostrar(err.message);
    } finally {
      boton.disabled = false;
    }
  });
  const uso = n.uso;
  const { servicios, personal, lugares, sucursales } = app.catalogo;
  const cuenta = (lista, uno, varios) => `${lista.length} ${lista.length === 1 ? uno : varios}`;
  replace(cuerpo,
    h("section", { class: "tarjeta", "aria-labelledby": "t-resumen" }, h("h2", { id: "t-resumen" }, "Tu negocio en Parlo"),
      h("p", {}, [cuenta(sucursales, "sucursal", "sucursales"), cuenta(servicios.filter((s) => s.activo), "servicio", "servicios"),
        cuenta(personal.filter((p) => p.activo), "persona en el equipo", "personas en el equipo"),
        cuenta(lugares.filter((l) => l.activo), "lugar", "lugares")].join(" · "))),
    f,
    h("section", { class: "tarjeta", "aria-labelledby": "t-wa" }, h("h2", { id: "t-wa" }, "WhatsApp"),
      h("p", {}, "Estado: ", h("span", { class: ["estado", n.whatsappEstado] }, etiqueta(WHATSAPP, n.whatsappEstado))),
      n.whatsappNumero ? h("p", {}, `Número: ${telefonoLegible(n.whatsappNumero)}`) : null,
      n.whatsappEstado !== "connected"
        ? h("p", { class: "nota" }, "Para reconectar tu número, escríbele “conectar WhatsApp” a Parlo o pide ayuda a soporte.")
        : h("p", { class: "ayuda" }, "Tus clientes ya pueden escribirte para agendar.")),
    h("section", { class: "tarjeta", "aria-labelledby": "t-plan" }, h("h2", { id: "t-plan" }, "Plan y uso"),
      h("p", {}, `Plan: ${PLANES[n.plan] ?? n.plan}`),
      uso ? h("p", {}, uso.limite != null
        ? `Citas de este mes: ${uso.usadas} de ${uso.limite}.`
        : `Citas de este mes: ${uso.usadas} (sin límite).`) : null,
      uso?.mensaje ? h("p", { class: "nota" }, uso.mensaje) : null),
    tarjetaSesion(app));
}

/**
 * "Cerrar sesión en todos los dispositivos" (signOutEverywhere): a lost phone, a shared computer.
 * Every session of mine ends, this one included, so the panel goes back to "Iniciar sesión".
 * Not offered to a Parlo admin looking through "entrar como": it would sign the owner out.
 */
function tarjetaSesion(app) {
  if (esSuplantacion()) return null;
  const error = cajaError();
  return h("section", { class: "tarjeta", "aria-labelledby": "t-sesion" }, h("h2", { id: "t-sesion" }, "Tu sesión"),
    h("p", { class: "ayuda" }, "¿Perdiste tu teléfono o entraste desde una computadora prestada? Cierra tu sesión en todos "
      + "lados; para volver a entrar pedirás una liga nueva por WhatsApp."),
    error,
    h("div", { class: "fila" }, h("button", { type: "button", class: "peligro", onclick: async () => {
      const si = await dialogo("¿Cerrar sesión en todos los dispositivos?", (cerrar) => h("div", {},
        h("p", {}, `Se cerrará la sesión de ${app.yo.nombre || "tu cuenta"} en todos los teléfonos y computadoras, también en este.`),
        h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "No"),
          h("button", { type: "button", class: "peligro lleno", onclick: () => cerrar(true) }, "Cerrar en todos"))));
      if (!si) return;
      error.ocultar();
      try {
        const mensaje = await salirEnTodos();
        cerrarSesion();
        app.yo = null;
        app.catalogo = null;
        location.hash = `#/entrar?aviso=${encodeURIComponent(mensaje)}`;
      } catch (err) {
        error.mostrar(err.message);
      }
    } }, "Cerrar sesión en todos los dispositivos")));
}

// ------------------------------------------------------------------ locations and hours

async function pintarSucursales(cuerpo, app, puede, recargar) {
  const sucursales = await cargarSucursales();
  replace(cuerpo,
    puede ? h("div", { class: "fila" }, h("button", { type: "button", class: "primario",
      onclick: () => editarSucursal(null, recargar) }, "Agregar sucursal")) : null,
    sucursales.map((s) => h("section", { class: "tarjeta", "aria-label": s.nombre },
      h("div", { class: "fila" }, h("h2", { style: { flex: "1 1 auto" } }, s.nombre, s.principal ? " (principal)" : ""),
        puede ? h("button", { type: "button", class: "chico", onclick: () => editarSucursal(s, recargar),
          "aria-label": `Editar sucursal ${s.nombre}` }, "Editar") : null),
      s.direccion ? h("p", { class: "ayuda" }, s.direccion) : null,
      editorHorario(s, puede, recargar))));
}

function editorHorario(sucursal, puede, recargar) {
  const filas = sucursal.horario.map((d) => {
    const abierto = h("input", { type: "checkbox", id: `abierto-${sucursal.id}-${d.dia}`, checked: !d.cerrado, disabled: !puede });
    const rangos = h("div", { class: "rangos" });
    const agregarRango = (abre = "09:00", cierra = "19:00") => {
      const a = h("input", { type: "time", value: abre, step: 900, "aria-label": `${DIAS[d.dia]}: abre`, disabled: !puede });
      const c = h("input", { type: "time", value: cierra, step: 900, "aria-label": `${DIAS[d.dia]}: cierra`, disabled: !puede });
      const quitar = h("button", { type: "button", class: "chico", "aria-label": `Quitar horario del ${DIAS[d.dia]}`,
        onclick: () => grupo.remove(), hidden: !puede }, "×");
      const grupo = h("span", { class: "fila rango" }, a, "a", c, quitar);
      rangos.insertBefore(grupo, mas);
    };
    const mas = h("button", { type: "button", class: "chico", hidden: !puede, onclick: () => agregarRango("16:00", "20:00") }, "+ Turno");
    rangos.append(mas);
    for (const [abre, cierra] of d.rangos.length ? d.rangos : [["09:00", "19:00"]]) agregarRango(abre, cierra);
    const sincronizar = () => { rangos.hidden = !abierto.checked; };
    abierto.addEventListener("change", sincronizar);
    sincronizar();
    const fila = h("div", { class: "horario-dia" },
      h("div", { class: "casilla" }, abierto, h("label", { for: abierto.id }, DIAS[d.dia])), rangos);
    fila.leer = () => ({
      dia: d.dia,
      rangos: abierto.checked ? [...rangos.querySelectorAll(".rango")].map((g) => {
        const [a, c] = g.querySelectorAll("input");
        return [a.value, c.value];
      }) : [],
    });
    return fila;
  });
  const cerrados = h("input", { type: "text", value: sucursal.diasCerrados.join(", "), placeholder: "2026-12-25, 2027-01-01",
    disabled: !puede });
  const error = cajaError();
  const boton = h("button", { type: "submit", class: "primario" }, "Guardar horario");
  const f = h("form", { "aria-label": `Horario de ${sucursal.nombre}` },
    h("h3", {}, "Horario de atención"),
    h("p", { class: "ayuda" }, "Desmarca los días que cierras."),
    filas,
    campo("Días cerrados que vienen", cerrados,
      "Festivos o vacaciones, separados por coma (año-mes-día). Borra una fecha para volver a abrir ese día."),
    error, puede ? h("div", { class: "fila derecha" }, boton) : null);
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.ocultar();
    const dias = filas.map((fila) => fila.leer());
    const malos = dias.flatMap((d) => d.rangos.filter(([a, c]) => !a || !c || a >= c).map(() => DIAS[d.dia]));
    if (malos.length) return error.mostrar(`Revisa el horario del ${malos[0]}: la hora de cierre debe ser después de la de apertura.`);
    const fechas = cerrados.value.split(/[,\s]+/).map((t) => t.trim()).filter(Boolean);
    if (fechas.some((t) => !/^\d{4}-\d{2}-\d{2}$/.test(t))) return error.mostrar("Escribe las fechas como año-mes-día, por ejemplo 2026-12-25.");
    boton.disabled = true;
    try {
      await guardarHorario(sucursal.id, dias, fechas);
      avisar(`Horario de ${sucursal.nombre} guardado.`);
      await recargar();
    } catch (err) {
      error.mostrar(err.message);
    } finally {
      boton.disabled = false;
    }
  });
  return f;
}

async function editarSucursal(s, recargar) {
  await formularioDialogo(s ? `Editar ${s.nombre}` : "Agregar sucursal", [
    ["nombre", "Nombre", h("input", { type: "text", required: true, value: s?.nombre ?? "" })],
    ["direccion", "Dirección", h("input", { type: "text", value: s?.direccion ?? "", placeholder: "Opcional" })],
  ], (v) => guardarSucursal(s?.id ?? null, v), "Sucursal guardada.", recargar);
}

// ------------------------------------------------------------------ services

async function pintarServicios(cuerpo, app, puede, recargar) {
  const { servicios } = app.catalogo;
  replace(cuerpo,
    puede ? h("div", { class: "fila" }, h("button", { type: "button", class: "primario",
      onclick: () => editarServicio(null, recargar) }, "Agregar servicio")) : null,
    h("ul", { class: "lista-simple", "aria-label": "Servicios" }, servicios.map((s) => h("li", { class: s.activo ? "" : "inactivo" },
      h("div", { class: "fila" },
        h("div", { style: { flex: "1 1 220px" } },
          pintar(h("span", { class: "muestra", "aria-hidden": "true" }), s.color), " ", h("strong", {}, s.nombre), s.activo ? "" : " (oculto)",
          h("div", { class: "ayuda" }, `${duracion(s.duracion)} · ${dinero(s.precio)}${s.descripcion ? ` · ${s.descripcion}` : ""}`)),
        puede ? [
          h("button", { type: "button", class: "chico", "aria-label": `Editar ${s.nombre}`, onclick: () => editarServicio(s, recargar) }, "Editar"),
          h("button", { type: "button", class: "chico peligro", "aria-label": `Borrar ${s.nombre}`,
            onclick: () => confirmar(`¿Borrar ${s.nombre}?`, "Solo se pueden borrar servicios sin citas. Si tiene citas, mejor ocúltalo.",
              () => borrarServicio(s.id), "Servicio borrado.", recargar) }, "Borrar"),
        ] : null)))));
}

async function editarServicio(s, recargar) {
  await formularioDialogo(s ? `Editar ${s.nombre}` : "Agregar servicio", [
    ["nombre", "Nombre", h("input", { type: "text", required: true, value: s?.nombre ?? "" })],
    ["duracion", "Duración (minutos)", h("input", { type: "number", required: true, min: 5, max: 600, step: 5, value: s?.duracion ?? 30 })],
    ["precio", "Precio (pesos)", h("input", { type: "number", required: true, min: 0, step: "0.01", value: s ? s.precio / 100 : 0 })],
    ["descripcion", "Descripción", h("textarea", { rows: 2, value: s?.descripcion ?? "", placeholder: "Opcional" })],
    ["color", "Color en la agenda", selectorColor(s?.color ?? null)],
    ["activo", "Visible para agendar", h("input", { type: "checkbox", checked: s ? s.activo : true })],
  ], (v) => guardarServicio(s?.id ?? null, { ...v, duracion: Number(v.duracion), precio: Math.round(Number(v.precio) * 100) }),
  "Servicio guardado.", recargar);
}

/** A named colour from the palette, or any other (a new service left on "Automático" gets a free one). */
function selectorColor(actual) {
  const opciones = [...(actual ? [] : [{ value: "", label: "Automático (uno que no se repita)" }]),
    ...COLORES.map(([value, label]) => ({ value, label }))];
  if (actual && !COLORES.some(([v]) => v === actual)) opciones.push({ value: actual, label: `Personalizado (${actual})` });
  return selector(opciones, actual ?? "");
}

// ------------------------------------------------------------------ team

async function pintarPersonal(cuerpo, app, puede, recargar) {
  const { personal, servicios, lugares } = app.catalogo;
  const nombreServ = (id) => servicios.find((s) => s.id === id)?.nombre;
  replace(cuerpo,
    puede ? h("div", { class: "fila" }, h("button", { type: "button", class: "primario",
      onclick: () => editarPersonal(null, app, recargar) }, "Agregar persona")) : null,
    h("ul", { class: "lista-simple", "aria-label": "Equipo" }, personal.map((p) => h("li", { class: p.activo ? "" : "inactivo" },
      h("div", { class: "fila" },
        h("div", { style: { flex: "1 1 220px" } },
          h("strong", {}, p.nombre), ` · ${etiqueta(NIVELES, p.nivel)}`, p.activo ? "" : " (desactivado)",
          h("div", { class: "ayuda" }, p.telefonoVisible ?? p.telefono),
          h("div", { class: "ayuda" }, `Servicios: ${p.servicios.map(nombreServ).filter(Boolean).join(", ") || "ninguno"}`),
          h("div", { class: "ayuda" }, `Horario: ${resumenHorario(p)}`),
          h("div", { class: "ayuda" }, `Lugar: ${lugares.find((l) => l.id === p.lugarId)?.nombre ?? "sin asignar"}`),
          p.activo && (!p.horarioElegido || !p.servicios.length)
            ? h("p", { class: "nota", role: "note" }, "Todavía no se le puede agendar: ",
              !p.servicios.length && !p.horarioElegido ? "elige sus servicios y su horario."
                : !p.servicios.length ? "elige sus servicios." : "elige su horario.")
            : null),
        puede ? [
          h("button", { type: "button", class: "chico", "aria-label": `Editar a ${p.nombre}`, onclick: () => editarPersonal(p, app, recargar) }, "Editar"),
          h("button", { type: "button", class: "chico", "aria-label": `Horario de ${p.nombre}`, onclick: () => editarHoras(p, app, recargar) }, "Horario"),
          p.activo && p.id !== app.yo.personalId ? h("button", { type: "button", class: "chico",
            "aria-label": `Cerrar las sesiones de ${p.nombre}`,
            onclick: () => confirmar(`¿Cerrar las sesiones de ${p.nombre}?`,
              "Se cerrará su panel en todos sus dispositivos (por ejemplo, si perdió su teléfono). Podrá volver a entrar con una liga nueva.",
              () => salirEnTodos(p.id), `Se cerraron las sesiones de ${p.nombre}.`, recargar) }, "Cerrar sus sesiones") : null,
          h("button", { type: "button", class: ["chico", p.activo && "peligro"],
            onclick: () => confirmar(p.activo ? `¿Desactivar a ${p.nombre}?` : `¿Reactivar a ${p.nombre}?`,
              p.activo ? "Ya no podrá entrar ni recibir citas. Puedes reactivarlo cuando quieras." : "Podrá volver a recibir citas.",
              () => activarPersonal(p.id, !p.activo), p.activo ? "Persona desactivada." : "Persona reactivada.", recargar) },
          p.activo ? "Desactivar" : "Reactivar"),
        ] : null)))));
}

async function editarPersonal(p, app, recargar) {
  const { servicios, lugares } = app.catalogo;
  // A newcomer does nothing until the owner says so: no service pre-checked (some need a
  // special spot), and no hours unless the owner picks "igual que el negocio" — otherwise a
  // rebooking plan could fill their day before anyone decided they work (issue 22).
  const casillas = h("fieldset", {}, h("legend", {}, "Servicios que hace"),
    p ? null : h("p", { class: "ayuda" }, "Marca solo los que sí hace. Sin servicios, nadie le puede agendar."),
    servicios.filter((s) => s.activo || p?.servicios.includes(s.id)).map((s) => {
      const c = h("input", { type: "checkbox", id: `ps-${s.id}`, value: s.id, checked: p ? p.servicios.includes(s.id) : false });
      return h("div", { class: "casilla" }, c, h("label", { for: c.id }, s.nombre));
    }));
  casillas.leer = () => [...casillas.querySelectorAll("input:checked")].map((c) => c.value);
  const campos = [
    ["nombre", "Nombre", h("input", { type: "text", required: true, value: p?.nombre ?? "" })],
    ["telefono", "WhatsApp", h("input", { type: "tel", required: true, value: p?.telefono ?? "", inputmode: "tel" })],
    ["nivel", "Permisos", selector(Object.entries(NIVELES).map(([value, label]) => ({ value, label })), p?.nivel ?? "staff")],
    ["lugar", "Lugar de siempre", selector([{ value: "", label: "Sin asignar" },
      ...lugares.filter((l) => l.activo).map((l) => ({ value: l.id, label: l.nombre }))], p?.lugarId ?? "")],
    ["servicios", null, casillas],
  ];
  if (!p) {
    const opcion = (valor, texto, marcada) => {
      const r = h("input", { type: "radio", name: "horario-nuevo", id: `horario-${valor}`, value: valor, checked: marcada });
      return h("div", { class: "casilla" }, r, h("label", { for: r.id }, texto));
    };
    const horario = h("fieldset", {}, h("legend", {}, "Horario"),
      opcion("despues", "Lo elijo después (mientras, no se le puede agendar)", true),
      opcion("negocio", "Igual que el negocio", false));
    horario.leer = () => horario.querySelector("input:checked")?.value ?? "despues";
    campos.push(["horario", null, horario]);
  }
  await formularioDialogo(p ? `Editar a ${p.nombre}` : "Agregar persona", campos,
    (v) => guardarPersonal(p?.id ?? null, v),
    p ? "Cambios guardados." : "Persona agregada. Le enviaremos un WhatsApp de bienvenida.", recargar,
    p ? null : h("p", { class: "nota", role: "note" },
      "Nadie le podrá agendar hasta que tenga servicios y horario: tú decides cuáles. Así no se le asigna nada antes de tiempo."));
}

function resumenHorario(p) {
  if (!p.horarioElegido) return "sin elegir";
  if (!p.horas.length) return "igual que el negocio";
  const porDia = DIAS.map((nombre, dia) => [nombre, p.horas.filter((r) => r.dia === dia)]).filter(([, rs]) => rs.length);
  return porDia.map(([nombre, rs]) => `${nombre.slice(0, 3)} ${rs.map((r) => `${r.desde}–${r.hasta}`).join(" y ")}`).join(", ");
}

async function editarHoras(p, app, recargar) {
  // Several ranges a day, like business hours (a split shift: 10–14 and 16–20).
  const filas = DIAS.map((nombre, dia) => {
    const suyos = p.horas.filter((r) => r.dia === dia);
    const trabaja = h("input", { type: "checkbox", id: `trabaja-${dia}`, checked: suyos.length > 0 });
    const rangos = h("div", { class: "rangos" });
    const mas = h("button", { type: "button", class: "chico", onclick: () => agregarRango("16:00", "20:00") }, "+ Turno");
    const agregarRango = (desde, hasta) => {
      const a = h("input", { type: "time", value: desde, step: 900, "aria-label": `${nombre}: entra` });
      const b = h("input", { type: "time", value: hasta, step: 900, "aria-label": `${nombre}: sale` });
      const grupo = h("span", { class: "fila rango" }, a, "a", b,
        h("button", { type: "button", class: "chico", "aria-label": `Quitar turno del ${nombre}`, onclick: () => grupo.remove() }, "×"));
      rangos.insertBefore(grupo, mas);
    };
    rangos.append(mas);
    for (const r of suyos.length ? suyos : [{ desde: "10:00", hasta: "19:00" }]) agregarRango(r.desde, r.hasta);
    const sincronizar = () => { rangos.hidden = !trabaja.checked; };
    trabaja.addEventListener("change", sincronizar);
    sincronizar();
    const fila = h("div", { class: "horario-dia" }, h("div", { class: "casilla" }, trabaja, h("label", { for: trabaja.id }, nombre)), rangos);
    fila.leer = () => (trabaja.checked ? [...rangos.querySelectorAll(".rango")].map((g) => {
      const [a, b] = g.querySelectorAll("input");
      return { dia, desde: a.value, hasta: b.value };
    }) : []);
    return fila;
  });
  const contenedor = h("div", {},
    h("p", { class: "ayuda" }, p.horarioElegido
      ? (p.horas.length ? "Marca los días que trabaja; «+ Turno» agrega otro horario el mismo día." : "Ahora trabaja igual que el negocio.")
      : "Todavía no tiene horario: nadie le puede agendar hasta que lo guardes."),
    h("div", { class: "fila" }, h("button", { type: "button", class: "chico", onclick: async (e) => {
      e.currentTarget.disabled = true;
      try {
        await guardarHorasPersonal(p.id, []);
        document.querySelector("dialog.dialogo")?.dispatchEvent(new Event("cancel"));
        avisar(`${p.nombre} trabaja igual que el negocio.`);
        await recargar();
      } catch (err) {
        avisar(err.message, "error");
        e.currentTarget.disabled = false;
      }
    } }, "Igual que el negocio")),
    filas);
  contenedor.leer = () => filas.flatMap((f) => f.leer());
  await formularioDialogo(`Horario de ${p.nombre}`, [["horas", null, contenedor]],
    (v) => {
      const malo = v.horas.find((r) => !r.desde || !r.hasta || r.desde >= r.hasta);
      if (malo) throw new Error(`Revisa el ${DIAS[malo.dia]}: la salida debe ser después de la entrada (${horaDeTexto(malo.desde || "00:00")}).`);
      if (!v.horas.length) throw new Error("Marca al menos un día, o elige «Igual que el negocio».");
      return guardarHorasPersonal(p.id, v.horas);
    }, "Horario guardado.", recargar);
}

// ------------------------------------------------------------------ spots

async function pintarLugares(cuerpo, app, puede, recargar) {
  const { lugares, servicios } = app.catalogo;
  const ordenados = [...lugares].sort((a, b) => a.orden - b.orden);
  const mover = async (i, delta) => {
    const a = ordenados[i];
    const b = ordenados[i + delta];
    try {
      await guardarLugar(a.id, { orden: b.orden === a.orden ? a.orden + delta : b.orden });
      await guardarLugar(b.id, { orden: a.orden });
      await recargar();
      avisar("Orden guardado.");
    } catch (e) {
      avisar(e.message, "error");
    }
  };
  replace(cuerpo,
    puede ? h("div", { class: "fila" }, h("button", { type: "button", class: "primario",
      onclick: () => editarLugar(null, app, recargar) }, "Agregar lugar")) : null,
    h("ol", { class: "lista-simple", "aria-label": "Lugares" }, ordenados.map((l, i) => h("li", { class: l.activo ? "" : "inactivo" },
      h("div", { class: "fila" },
        h("div", { style: { flex: "1 1 220px" } }, h("strong", {}, l.nombre), l.activo ? "" : " (desactivado)",
          h("div", { class: "ayuda" }, `Servicios: ${l.servicios.map((id) => servicios.find((s) => s.id === id)?.nombre).filter(Boolean).join(", ") || "ninguno"}`)),
        puede ? [
          h("button", { type: "button", class: "chico", disabled: i === 0, "aria-label": `Subir ${l.nombre}`, onclick: () => mover(i, -1) }, "↑"),
          h("button", { type: "button", class: "chico", disabled: i === ordenados.length - 1, "aria-label": `Bajar ${l.nombre}`, onclick: () => mover(i, 1) }, "↓"),
          h("button", { type: "button", class: "chico", "aria-label": `Editar ${l.nombre}`, onclick: () => editarLugar(l, app, recargar) }, "Editar"),
          h("button", { type: "button", class: "chico peligro", "aria-label": `Borrar ${l.nombre}`,
            onclick: () => confirmar(`¿Borrar ${l.nombre}?`, "Solo se pueden borrar lugares sin citas. Si tiene citas, mejor desactívalo.",
              () => borrarLugar(l.id), "Lugar borrado.", recargar) }, "Borrar"),
        ] : null)))));
}

async function editarLugar(l, app, recargar) {
  const { servicios } = app.catalogo;
  const casillas = h("fieldset", {}, h("legend", {}, "Servicios que se hacen aquí"),
    servicios.map((s) => {
      const c = h("input", { type: "checkbox", id: `ls-${s.id}`, value: s.id, checked: l ? l.servicios.includes(s.id) : true });
      return h("div", { class: "casilla" }, c, h("label", { for: c.id }, s.nombre));
    }));
  casillas.leer = () => [...casillas.querySelectorAll("input:checked")].map((c) => c.value);
  await formularioDialogo(l ? `Editar ${l.nombre}` : "Agregar lugar", [
    ["nombre", "Nombre", h("input", { type: "text", required: true, value: l?.nombre ?? "", placeholder: "Silla 4, cabina…" })],
    ["servicios", null, casillas],
    ["activo", "Activo", h("input", { type: "checkbox", checked: l ? l.activo : true })],
  ], (v) => guardarLugar(l?.id ?? null, { ...v, sucursal: app.catalogo.sucursales[0]?.id ?? null,
    orden: l?.orden ?? app.catalogo.lugares.length }), "Lugar guardado.", recargar);
}

// ------------------------------------------------------------------ shared dialogs

async function formularioDialogo(titulo, campos, guardar, exitoTexto, recargar, nota = null) {
  const hecho = await dialogo(titulo, (cerrar) => {
    const error = cajaError();
    const boton = h("button", { type: "submit", class: "primario" }, "Guardar");
    const partes = campos.map(([, etiquetaTexto, control]) => {
      if (!etiquetaTexto) return control;
      if (control.type === "checkbox") {
        control.id = control.id || `c-${Math.random().toString(36).slice(2)}`;
        return h("div", { class: "casilla" }, control, h("label", { for: control.id }, etiquetaTexto));
      }
      return campo(etiquetaTexto, control);
    });
    const f = h("form", {}, nota, partes, error,
      h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "Cancelar"), boton));
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      error.ocultar();
      const valores = {};
      for (const [clave, , control] of campos) {
        valores[clave] = control.leer ? control.leer() : control.type === "checkbox" ? control.checked : control.value;
      }
      boton.disabled = true;
      try {
        await guardar(valores);
        cerrar(true);
      } catch (err) {
        error.mostrar(err.message);
        boton.disabled = false;
      }
    });
    return f;
  });
  if (hecho) {
    avisar(exitoTexto);
    await recargar();
  }
}

async function confirmar(titulo, texto, hacer, exitoTexto, recargar) {
  const hecho = await dialogo(titulo, (cerrar) => {
    const error = cajaError();
    const boton = h("button", { type: "button", class: "primario", onclick: async () => {
      boton.disabled = true;
      error.ocultar();
      try {
        await hacer();
        cerrar(true);
      } catch (err) {
        error.mostrar(err.message);
        boton.disabled = false;
      }
    } }, "Sí, continuar");
    return h("div", {}, h("p", {}, texto), error,
      h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "No"), boton));
  });
  if (hecho) {
    avisar(exitoTexto);
    await recargar();
  }
}
