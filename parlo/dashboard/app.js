// Entry point: reads where we are (hash routes like #/agenda?fecha=2026-01-16&vista=dia),
// makes sure there is a session, draws the shell and hands the page to a view.
//
// Views are `async (contenedor, params, app) => cleanup?`; they own everything inside
// <main> and may return a function that stops their timers when the person leaves.

import { alExpirarSesion, ErrorParlo } from "./api.js";
import { h, replace, avisar } from "./dom.js";
import { cerrarSesion, esSuplantacion, recibirTraspaso, sesionActual } from "./sesion.js";
import { cargarYo, cargarCatalogo, buscarClientes } from "./datos.js";
import { vistaEntrar, vistaEntrarAdmin, canjearLiga } from "./vistas/entrar.js";
import { vistaAgenda } from "./vistas/agenda.js";
import { vistaNuevaCita, vistaCita, vistaVisitaSinCita } from "./vistas/cita.js";
import { vistaBloqueos } from "./vistas/bloqueos.js";
import { vistaClientes, vistaCliente } from "./vistas/clientes.js";
import { vistaAjustes } from "./vistas/ajustes.js";
import { vistaAdmin } from "./vistas/admin.js";

const raiz = document.getElementById("app");
let limpiar = null;

const app = {
  yo: null,
  catalogo: null,
  zona: "America/Mexico_City",
  ir(ruta) {
    if (location.hash === ruta) pintar();
    else location.hash = ruta;
  },
  async refrescarCatalogo() {
    app.catalogo = await cargarCatalogo();
    return app.catalogo;
  },
};

const RUTAS_PERSONAL = [
  { patron: /^agenda$/, vista: vistaAgenda, menu: "agenda" },
  { patron: /^cita\/nueva$/, vista: vistaNuevaCita, menu: "agenda" },
  { patron: /^cita\/sin-cita$/, vista: vistaVisitaSinCita, menu: "agenda" },
  { patron: /^cita\/([\w-]+)$/, vista: vistaCita, menu: "agenda" },
  { patron: /^bloqueos$/, vista: vistaBloqueos, menu: "bloqueos" },
  { patron: /^clientes$/, vista: vistaClientes, menu: "clientes" },
  { patron: /^clientes\/([\w-]+)$/, vista: vistaCliente, menu: "clientes" },
  { patron: /^ajustes(?:\/(\w+))?$/, vista: vistaAjustes, menu: "ajustes" },
];
const MENU_PERSONAL = [
  ["agenda", "#/agenda", "Agenda"],
  ["bloqueos", "#/bloqueos", "Bloqueos"],
  ["clientes", "#/clientes", "Clientes"],
  ["ajustes", "#/ajustes", "Ajustes"],
];
const MENU_ADMIN = [
  ["resumen", "#/admin", "Resumen"],
  ["organizaciones", "#/admin/organizaciones", "Organizaciones"],
  ["conversaciones", "#/admin/conversaciones", "Conversaciones"],
  ["actividad", "#/admin/actividad", "Actividad"],
];

function leerRuta() {
  const sinAlmohadilla = location.hash.replace(/^#\/?/, "");
  const [camino, consulta = ""] = sinAlmohadilla.split("?");
  return { camino: camino.replace(/\/$/, ""), params: new URLSearchParams(consulta) };
}

async function pintar() {
  if (limpiar) { try { limpiar(); } catch (e) { console.error(e); } limpiar = null; }
  document.querySelectorAll("dialog").forEach((d) => d.remove());
  const { camino, params } = leerRuta();

  const traspaso = params.get("traspaso");
  if (traspaso) {
    recibirTraspaso(traspaso);
    history.replaceState(null, "", "/#/agenda");
    app.yo = null;
    return pintar();
  }

  const sesion = sesionActual();
  if (!sesion) {
    app.yo = null;
    if (camino === "admin/entrar") return vistaEntrarAdmin(raiz, app, alEntrar);
    return vistaEntrar(raiz, app, params.get("aviso"));
  }
  if (camino === "entrar" || camino === "admin/entrar") {
    return app.ir(sesion.tipo === "admin" ? "#/admin" : "#/agenda");
  }

  if (!app.yo) {
    replace(raiz, h("p", { class: "cargando" }, "Cargando…"));
    try {
      // Who I am and the salon's catalogue in parallel: one round trip fewer before the agenda.
      const [yo, catalogo] = await Promise.all([cargarYo(sesion.tipo),
        sesion.tipo !== "admin" ? cargarCatalogo() : null]);
      app.yo = yo;
      app.zona = app.yo.zona;
      if (catalogo) app.catalogo = catalogo;
    } catch (e) {
      if (e instanceof ErrorParlo && e.tipo === "NotAuthenticated") return undefined;
      replace(raiz, h("div", { class: "tarjeta angosta" },
        h("h1", {}, "No pudimos abrir tu panel"),
        h("div", { class: "error", role: "alert" }, h("p", {}, e.message)),
        h("div", { class: "fila" },
          h("button", { class: "primario", onclick: () => pintar() }, "Reintentar"),
          h("button", { onclick: salir }, "Cerrar sesión"))));
      return undefined;
    }
  }

  if (sesion.tipo === "admin") return pintarAdmin(camino, params);
  return pintarPersonal(camino, params);
}

function encabezado(menu, actual, nombreNegocio) {
  return [
    h("header", { class: "barra" },
      h("a", { class: "marca", href: menu === MENU_ADMIN ? "#/admin" : "#/agenda" }, "Parlo"),
      h("nav", { "aria-label": "Secciones" },
        menu.map(([clave, href, texto]) =>
          h("a", { href, "aria-current": clave === actual ? "page" : null }, texto))),
      menu === MENU_PERSONAL ? buscadorGlobal() : null,
      h("span", { class: "negocio" }, nombreNegocio),
      h("button", { class: "salir chico", onclick: salir }, "Cerrar sesión")),
    esSuplantacion()
      ? h("div", { class: "suplantando", role: "note" },
        `Estás viendo el panel de ${app.yo.negocio} como administrador de Parlo.`)
      : null,
  ];
}

/**
 * The top bar's customer search (name or phone, from any screen): a few matches as links, Enter
 * opens the first. On a phone it folds into a "Buscar" button so the agenda keeps its height.
 */
function buscadorGlobal() {
  const lista = h("ul", { class: "resultados", id: "resultados-busqueda", "aria-label": "Clientes encontrados", hidden: true });
  const campoBusqueda = h("input", { type: "search", placeholder: "Buscar cliente (nombre o tel.)…", autocomplete: "off",
    "aria-label": "Búsqueda rápida de clientes", "aria-controls": "resultados-busqueda" });
  const caja = h("div", { class: "buscador", role: "search" }, campoBusqueda, lista);
  const abrir = h("button", { type: "button", class: "chico abrir-busqueda", "aria-expanded": "false",
    "aria-label": "Abrir la búsqueda de clientes", onclick: () => {
      const abierto = caja.classList.toggle("abierto");
      abrir.setAttribute("aria-expanded", String(abierto));
      if (abierto) campoBusqueda.focus();
    } }, "Buscar");
  let turno = 0;
  let espera = null;
  const cerrar = () => { lista.hidden = true; lista.replaceChildren(); };
  const buscar = async () => {
    const texto = campoBusqueda.value.trim();
    const mio = ++turno;
    if (texto.length < 2) return cerrar();
    try {
      const encontrados = (await buscarClientes(texto)).slice(0, 8);
      if (mio !== turno) return undefined; // a newer search is on its way
      replace(lista, encontrados.length
        ? encontrados.map((c) => h("li", {}, h("a", { href: `#/clientes/${c.id}`, onclick: () => { campoBusqueda.value = ""; cerrar(); } },
          c.nombre ?? c.telefonoVisible ?? c.telefono, c.nombre ? h("small", {}, ` · ${c.telefonoVisible ?? c.telefono}`) : null)))
        : h("li", { class: "ayuda" }, "Nadie con ese nombre o teléfono."));
      lista.hidden = false;
    } catch (e) {
      replace(lista, h("li", { class: "ayuda" }, mensajeDe(e)));
      lista.hidden = false;
    }
    return undefined;
  };
  campoBusqueda.addEventListener("input", () => { clearTimeout(espera); espera = setTimeout(buscar, 200); });
  campoBusqueda.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { campoBusqueda.value = ""; cerrar(); }
    if (e.key === "Enter") {
      e.preventDefault();
      const primero = lista.querySelector("a");
      if (primero) primero.click();
      else buscar();
    }
    if (e.key === "ArrowDown") { e.preventDefault(); lista.querySelector("a")?.focus(); }
  });
  lista.addEventListener("keydown", (e) => {
    const enlaces = [...lista.querySelectorAll("a")];
    const i = enlaces.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && i >= 0) { e.preventDefault(); enlaces[Math.min(i + 1, enlaces.length - 1)].focus(); }
    if (e.key === "ArrowUp" && i >= 0) { e.preventDefault(); (i === 0 ? campoBusqueda : enlaces[i - 1]).focus(); }
    if (e.key === "Escape") { campoBusqueda.focus(); cerrar(); }
  });
  document.addEventListener("click", (e) => { if (!caja.contains(e.target) && e.target !== abrir) cerrar(); });
  return [abrir, caja];
}

async function pintarPersonal(camino, params) {
  const ruta = RUTAS_PERSONAL.find((r) => r.patron.test(camino));
  if (!ruta) return app.ir("#/agenda");
  const coincide = camino.match(ruta.patron);
  const principal = h("main", { id: "contenido", tabindex: "-1" });
  replace(raiz, encabezado(MENU_PERSONAL, ruta.menu, `${app.yo.negocio} · ${app.yo.nombre}`), principal);
  params.set("_id", coincide[1] ?? "");
  document.title = `${MENU_PERSONAL.find(([clave]) => clave === ruta.menu)[2]} · ${app.yo.negocio} · Parlo`;
  limpiar = await ejecutar(ruta.vista, principal, params);
  return undefined;
}

async function pintarAdmin(camino, params) {
  const partes = camino.split("/");
  if (partes[0] !== "admin") return app.ir("#/admin");
  const seccion = partes[1] || "resumen";
  const principal = h("main", { id: "contenido", tabindex: "-1" });
  replace(raiz, encabezado(MENU_ADMIN, seccion, "Administración de Parlo"), principal);
  params.set("_seccion", seccion);
  params.set("_id", partes[2] ?? "");
  document.title = `${MENU_ADMIN.find(([clave]) => clave === seccion)?.[2] ?? "Administración"} · Parlo`;
  limpiar = await ejecutar(vistaAdmin, principal, params);
  return undefined;
}

async function ejecutar(vista, principal, params) {
  // On a phone the menu scrolls sideways: keep the current section in sight.
  document.querySelector('.barra nav [aria-current="page"]')?.scrollIntoView({ block: "nearest", inline: "nearest" });
  principal.setAttribute("aria-busy", "true");
  try {
    return await vista(principal, params, app);
  } catch (e) {
    console.error(e);
    if (!(e instanceof ErrorParlo && e.tipo === "NotAuthenticated")) {
      replace(principal, h("div", { class: "error", role: "alert" }, h("p", {}, mensajeDe(e))));
    }
    return null;
  } finally {
    principal.setAttribute("aria-busy", "false");
    // A new screen: screen readers start reading at its content, unless the view chose a field.
    if (!principal.contains(document.activeElement)) principal.focus({ preventScroll: true });
  }
}

export function mensajeDe(e) {
  return e instanceof ErrorParlo ? e.message : "Algo salió mal. Recarga la página e inténtalo de nuevo.";
}

function alEntrar(tipo) {
  app.yo = null;
  app.ir(tipo === "admin" ? "#/admin" : "#/agenda");
}

function salir() {
  cerrarSesion();
  app.yo = null;
  app.catalogo = null;
  avisar("Cerraste sesión.");
  if (location.hash === "#/entrar") pintar();
  else location.hash = "#/entrar";
}

alExpirarSesion((mensaje) => {
  app.yo = null;
  location.hash = `#/entrar?aviso=${encodeURIComponent(mensaje)}`;
});

window.addEventListener("hashchange", pintar);

async function iniciar() {
  if (location.pathname === "/entrar") {
    const token = new URLSearchParams(location.search).get("token") ?? "";
    // Take the token out of the address bar and history before anything else.
    history.replaceState(null, "", "/#/agenda");
    await canjearLiga(raiz, token, alEntrar);
    return;
  }
  await pintar();
}

iniciar();

// Nothing fails silently: an error nobody caught still reaches the person, in Spanish.
window.addEventListener("unhandledrejection", (evento) => {
  console.error(evento.reason);
  if (evento.reason instanceof ErrorParlo && evento.reason.tipo === "NotAuthenticated") return;
  avisar(mensajeDe(evento.reason), "error");
});
