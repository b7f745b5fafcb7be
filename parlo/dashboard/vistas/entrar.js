// Signing in: owners and staff ask for a magic link by WhatsApp (or arrive with one at
// /entrar?token=…); the Parlo admin signs in with the password.

import { gql, exito } from "../api.js";
import { h, replace, campo, cajaError } from "../dom.js";
import { guardarSesion } from "../sesion.js";
import { PEDIR_LIGA, CANJEAR_LIGA, ENTRAR_ADMIN } from "../consultas.js";

export function vistaEntrar(raiz, app, aviso) {
  const telefono = h("input", { type: "tel", name: "telefono", autocomplete: "tel", required: true,
    placeholder: "55 1234 5678", inputmode: "tel" });
  const error = cajaError();
  const listo = h("div", { class: "exito", role: "status", hidden: true });
  const boton = h("button", { class: "primario", type: "submit" }, "Enviarme la liga");
  const formulario = h("form", { "aria-label": "Iniciar sesión" },
    campo("Tu número de WhatsApp", telefono, "El mismo con el que le escribes a Parlo."),
    error, listo,
    h("div", { class: "fila" }, boton));
  const notaVieja = aviso ? h("div", { class: "nota", role: "status" }, aviso) : null;
  formulario.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.ocultar();
    notaVieja?.remove(); // "Tu sesión terminó" is history once a new link is on its way
    listo.hidden = true;
    boton.disabled = true;
    try {
      const datos = await gql(PEDIR_LIGA, { phone: telefono.value });
      const r = exito(datos.requestMagicLink, { cuidaSesion: false });
      replace(listo, r.message ?? "Te enviamos una liga por WhatsApp para entrar.");
      listo.hidden = false;
    } catch (err) {
      error.mostrar(err.message);
      telefono.focus();
    } finally {
      boton.disabled = false;
    }
  });
  replace(raiz, h("main", { class: "entrada", id: "contenido" },
    h("div", { class: "tarjeta" },
      h("div", { class: "marca-grande", "aria-hidden": "true" }, "Parlo"),
      h("h1", {}, "Iniciar sesión"),
      h("p", {}, "Te mandamos por WhatsApp una liga para entrar a tu panel. Tu sesión dura 7 días."),
      notaVieja,
      formulario,
      h("p", { class: "ayuda" }, "También puedes escribirle “entrar” a Parlo por WhatsApp."),
    ),
    h("p", { class: "ayuda" }, h("a", { href: "#/admin/entrar" }, "Acceso para administradores de Parlo"))));
  telefono.focus();
}

/** /entrar?token=…: spend the link once and keep the 7-day session it opens. */
export async function canjearLiga(raiz, token, alEntrar) {
  replace(raiz, h("main", { class: "entrada", id: "contenido" },
    h("div", { class: "tarjeta" }, h("h1", {}, "Entrando…"), h("p", {}, "Estamos revisando tu liga."))));
  try {
    if (!token) throw new Error("sin token");
    const datos = await gql(CANJEAR_LIGA, { token });
    const sesion = exito(datos.verifyMagicLink, { cuidaSesion: false });
    guardarSesion(sesion.token, "personal");
    alEntrar("personal");
  } catch (err) {
    const mensaje = err.tipo ? err.message : "Esa liga no es válida. Pide una nueva.";
    vistaEntrar(raiz, null, mensaje);
  }
}

export function vistaEntrarAdmin(raiz, app, alEntrar) {
  const clave = h("input", { type: "password", name: "contrasena", autocomplete: "current-password", required: true });
  const error = cajaError();
  const boton = h("button", { class: "primario", type: "submit" }, "Entrar");
  const formulario = h("form", { "aria-label": "Acceso de administrador" },
    campo("Contraseña", clave), error, h("div", { class: "fila" }, boton));
  formulario.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.ocultar();
    boton.disabled = true;
    try {
      const datos = await gql(ENTRAR_ADMIN, { password: clave.value });
      const sesion = exito(datos.adminLogin, { cuidaSesion: false });
      guardarSesion(sesion.token, "admin");
      alEntrar("admin");
    } catch (err) {
      error.mostrar(err.message);
      clave.select();
    } finally {
      boton.disabled = false;
    }
  });
  replace(raiz, h("main", { class: "entrada", id: "contenido" },
    h("div", { class: "tarjeta" },
      h("div", { class: "marca-grande", "aria-hidden": "true" }, "Parlo"),
      h("h1", {}, "Administración"),
      formulario),
    h("p", { class: "ayuda" }, h("a", { href: "#/entrar" }, "Soy dueño o parte del equipo de un negocio"))));
  clave.focus();
}
