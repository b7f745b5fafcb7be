// The Parlo admin's pages: platform figures, organizations (search, filter, suspend,
// reactivate, "entrar como"), conversations across organizations, and the activity feed.

import { h, replace, campo, selector, avisar, dialogo, cajaError } from "../dom.js";
import { fechaLarga, fechaLocal, hora, momento } from "../fechas.js";
import { ESTADOS_NEGOCIO, REMITENTES, WHATSAPP, PLANES, etiqueta } from "../etiquetas.js";
import {
  cargarEstadisticas, cargarOrganizaciones, cambiarEstadoOrganizacion, entrarComo, cargarConversaciones,
  cargarConversacion, cargarActividad, nombresDeOrganizaciones,
} from "../datos.js";
import { prepararTraspaso } from "../sesion.js";

const ZONA = "America/Mexico_City";

export async function vistaAdmin(principal, params, app) {
  const seccion = params.get("_seccion");
  if (seccion === "organizaciones") return organizaciones(principal, params, app);
  if (seccion === "conversaciones") return params.get("_id") ? conversacion(principal, params.get("_id")) : conversaciones(principal, params, app);
  if (seccion === "actividad") return actividad(principal, app);
  return resumen(principal);
}

async function resumen(principal) {
  const s = await cargarEstadisticas();
  const cifra = (texto, n) => h("div", { class: "cifra" }, h("strong", {}, n.toLocaleString("es-MX")), texto);
  replace(principal, h("h1", {}, "Resumen de la plataforma"),
    h("div", { class: "cifras" },
      cifra("Negocios", s.negocios), cifra("Citas", s.citas), cifra("Clientes", s.clientes),
      cifra("Mensajes", s.mensajes), cifra("Personas en equipos", s.equipo)),
    h("section", { class: "tarjeta", "aria-labelledby": "t-estados" }, h("h2", { id: "t-estados" }, "Negocios por estado"),
      h("ul", {}, s.porEstado.map((e) => h("li", {},
        h("a", { href: `#/admin/organizaciones?estado=${e.estado}` }, etiqueta(ESTADOS_NEGOCIO, e.estado)), `: ${e.cuantos}`)))));
}

async function organizaciones(principal, params, app) {
  const busqueda = h("input", { type: "search", value: params.get("q") ?? "", placeholder: "Nombre del negocio", autocomplete: "off" });
  const estado = selector([{ value: "", label: "Todos" },
    ...Object.entries(ESTADOS_NEGOCIO).map(([value, label]) => ({ value, label }))], params.get("estado") ?? "");
  const lista = h("section", { "aria-live": "polite", "aria-label": "Negocios" });
  // A page at a time (the API's cursor): "Mostrar más" appends the next page to the list.
  let turno = 0;
  const pintar = async () => {
    const mio = ++turno;
    const filtros = { busqueda: busqueda.value.trim(), estado: estado.value };
    try {
      const primera = await cargarOrganizaciones(filtros);
      if (mio !== turno) return;
      if (!primera.lista.length) {
        replace(lista, h("p", { class: "vacio" }, "No hay negocios con esos filtros."));
        return;
      }
      const ul = h("ul", { class: "lista-simple" });
      const cuenta = h("p", { class: "ayuda", role: "status" });
      const error = cajaError();
      const mas = h("button", { type: "button" }, "Mostrar más negocios");
      let mostradas = 0;
      let siguiente = null;
      const agregar = (pagina) => {
        ul.append(...pagina.lista.map((o) => tarjetaOrganizacion(o, pintar)));
        mostradas += pagina.lista.length;
        siguiente = pagina.siguiente;
        cuenta.textContent = `Mostrando ${mostradas.toLocaleString("es-MX")} de ${pagina.total.toLocaleString("es-MX")} `
          + `${pagina.total === 1 ? "negocio" : "negocios"}.`;
        mas.hidden = !siguiente;
      };
      mas.addEventListener("click", async () => {
        mas.disabled = true;
        error.ocultar();
        try {
          const pagina = await cargarOrganizaciones({ ...filtros, despues: siguiente });
          if (mio === turno) agregar(pagina);
        } catch (e) {
          error.mostrar(e.message);
        } finally {
          mas.disabled = false;
        }
      });
      agregar(primera);
      replace(lista, cuenta, ul, error, h("div", { class: "fila" }, mas));
    } catch (e) {
      if (mio === turno) replace(lista, h("div", { class: "error", role: "alert" }, h("p", {}, e.message)));
    }
  };
  let espera;
  busqueda.addEventListener("input", () => { clearTimeout(espera); espera = setTimeout(pintar, 250); });
  estado.addEventListener("change", pintar);
  replace(principal, h("h1", {}, "Organizaciones"),
    h("form", { role: "search", class: "filtros", onsubmit: (e) => { e.preventDefault(); pintar(); } },
      campo("Buscar", busqueda), campo("Estado", estado)),
    lista);
  await pintar();
}

function tarjetaOrganizacion(o, recargar) {
  const suspendida = o.estado === "suspended";
  const error = cajaError();
  return h("li", { "aria-label": o.nombre },
    h("div", { class: "fila" },
      h("h2", { style: { flex: "1 1 auto" } }, o.nombre),
      h("span", { class: ["estado", o.estado] }, etiqueta(ESTADOS_NEGOCIO, o.estado))),
    h("p", { class: "ayuda" }, [o.tipo, `Plan ${PLANES[o.plan] ?? o.plan}`, `WhatsApp: ${etiqueta(WHATSAPP, o.whatsappEstado)}`,
      `Alta: ${fechaLarga(fechaLocal(o.creada, ZONA))}`].filter(Boolean).join(" · ")),
    h("p", {}, `${o.equipo} en el equipo · ${o.clientes} clientes · ${o.citas} citas`),
    o.sucursales.length ? h("p", { class: "ayuda" }, `Sucursales: ${o.sucursales.map((s) => s.direccion ? `${s.nombre} (${s.direccion})` : s.nombre).join("; ")}`) : null,
    error,
    h("div", { class: "fila" },
      h("button", { type: "button", class: "primario chico", "aria-label": `Entrar como ${o.nombre}`, onclick: async (e) => {
        error.ocultar();
        const pestana = window.open("about:blank", "_blank");
        try {
          const token = await entrarComo(o.id);
          const clave = prepararTraspaso(token);
          const url = `${location.origin}/#/agenda?traspaso=${clave}`;
          if (pestana) pestana.location.href = url;
          else location.href = url;
        } catch (err) {
          if (pestana) pestana.close();
          error.mostrar(err.message);
        }
      } }, "Entrar como"),
      h("a", { class: "boton chico", href: `#/admin/conversaciones?organizacion=${o.id}` }, "Conversaciones"),
      h("button", { type: "button", class: ["chico", !suspendida && "peligro"], onclick: async () => {
        const ok = await dialogo(suspendida ? `Reactivar ${o.nombre}` : `Suspender ${o.nombre}`, (cerrar) => h("div", {},
          h("p", {}, suspendida ? "Su equipo podrá volver a entrar y sus clientes a agendar."
            : "Nadie del negocio podrá entrar y Parlo dejará de agendar por ellos."),
          h("div", { class: "fila derecha" }, h("button", { type: "button", onclick: () => cerrar(false) }, "No"),
            h("button", { type: "button", class: suspendida ? "primario" : "peligro lleno", onclick: () => cerrar(true) },
              suspendida ? "Reactivar" : "Suspender"))));
        if (!ok) return;
        try {
          await cambiarEstadoOrganizacion(o.id, suspendida ? "active" : "suspended");
          // No adjective to agree with the name ("Barbería …" is feminine, "Salón …" masculine).
          avisar(suspendida ? `Se reactivó ${o.nombre}.` : `Se suspendió ${o.nombre}.`);
          await recargar();
        } catch (err) {
          error.mostrar(err.message);
        }
      } }, suspendida ? "Reactivar" : "Suspender")));
}

async function conversaciones(principal, params) {
  const orgs = await nombresDeOrganizaciones();
  const filtro = selector([{ value: "", label: "Todas las organizaciones" },
    ...orgs.map((o) => ({ value: o.id, label: o.nombre }))], params.get("organizacion") ?? "",
  { onchange: (e) => { location.hash = `#/admin/conversaciones${e.target.value ? `?organizacion=${e.target.value}` : ""}`; } });
  const lista = await cargarConversaciones(params.get("organizacion") || null);
  const nombreOrg = (id) => orgs.find((o) => o.id === id)?.nombre ?? "Número central de Parlo";
  replace(principal, h("h1", {}, "Conversaciones"),
    h("div", { class: "filtros" }, campo("Organización", filtro)),
    lista.length ? h("table", { class: "tabla" },
      h("caption", { class: "oculto-visual" }, "Conversaciones"),
      h("thead", {}, h("tr", {}, ["Contacto", "Organización", "Último mensaje", "Estado"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, agruparPorDia(lista, (c) => c.ultimo).map(([dia, grupo]) => [
        h("tr", { class: "grupo" }, h("th", { colspan: 4, scope: "colgroup" }, dia ? mayuscula(fechaLarga(dia)) : "Sin mensajes")),
        grupo.map((c) => h("tr", {},
        h("td", { "data-titulo": "Contacto" }, h("a", { href: `#/admin/conversaciones/${c.id}` }, c.nombre ?? c.telefonoVisible)),
        h("td", { "data-titulo": "Organización" }, nombreOrg(c.organizacionId)),
        h("td", { "data-titulo": "Último mensaje" }, c.ultimo ? momento(c.ultimo, ZONA) : "—"),
        h("td", { "data-titulo": "Estado" }, c.estado === "handed_off" ? "Con una persona" : c.estado === "resolved" ? "Resuelta" : "Activa")))])))
      : h("p", { class: "vacio" }, "No hay conversaciones."));
}

async function conversacion(principal, id) {
  const c = await cargarConversacion(id);
  let dia = "";
  const items = [];
  for (const m of c.mensajes) {
    const f = fechaLocal(m.creado, ZONA);
    if (f !== dia) {
      dia = f;
      items.push(h("li", { class: "grupo-fecha", role: "presentation" }, fechaLarga(f)));
    }
    items.push(h("li", { class: m.saliente ? "saliente" : "" },
      h("small", {}, `${etiqueta(REMITENTES, m.remitente)} · ${hora(m.creado, ZONA)}`),
      m.texto || "(sin texto)"));
  }
  replace(principal, h("p", {}, h("a", { href: "#/admin/conversaciones" }, "‹ Conversaciones")),
    h("h1", {}, c.nombre ?? c.telefonoVisible),
    h("p", { class: "ayuda" }, c.telefonoVisible),
    items.length ? h("ul", { class: "mensajes", "aria-label": "Mensajes" }, items) : h("p", { class: "vacio" }, "Sin mensajes."));
}

async function actividad(principal) {
  const eventos = await cargarActividad();
  replace(principal, h("h1", {}, "Actividad reciente"),
    eventos.length ? h("ul", { class: "lista-simple", "aria-label": "Actividad" }, eventos.map((e) => h("li", {},
      h("div", { class: "ayuda" }, momento(e.creado, ZONA)),
      h("div", {}, e.resumen),
      e.organizacion ? h("a", { href: `#/admin/organizaciones?q=${encodeURIComponent(e.organizacion.nombre)}` }, e.organizacion.nombre) : null)))
      : h("p", { class: "vacio" }, "Sin actividad todavía."));
}

/** [[YYYY-MM-DD | null, items], …] in the order the items came (newest first). */
function agruparPorDia(items, instanteDe) {
  const grupos = new Map();
  for (const item of items) {
    const instante = instanteDe(item);
    const dia = instante ? fechaLocal(instante, ZONA) : null;
    if (!grupos.has(dia)) grupos.set(dia, []);
    grupos.get(dia).push(item);
  }
  return [...grupos.entries()];
}

function mayuscula(texto) {
  return texto.charAt(0).toUpperCase() + texto.slice(1);
}
