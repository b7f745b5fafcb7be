// Spanish names for the server's enums (the server speaks in codes; people read these).

export const ESTADOS = {
  pending: "Por confirmar",
  confirmed: "Confirmada",
  completed: "Completada",
  cancelled: "Cancelada",
  no_show: "No asistió",
};

export const ORIGENES = {
  whatsapp: "WhatsApp",
  web: "Panel",
  manual: "Panel",
  walk_in: "Sin cita",
};

export const NIVELES = {
  owner: "Dueño",
  admin: "Administrador",
  staff: "Equipo",
  viewer: "Solo lectura",
};

export const ESTADOS_NEGOCIO = {
  onboarding: "En registro",
  active: "Activo",
  suspended: "Suspendido",
  churned: "Dado de baja",
};

export const WHATSAPP = {
  not_connected: "Sin conectar",
  pending: "Conectando",
  connected: "Conectado",
  failed: "Falló la conexión",
};

export const REMITENTES = {
  customer: "Cliente",
  staff: "Equipo",
  ai: "Parlo (IA)",
  system: "Sistema",
};

export const PLANES = { free: "Gratis", pro: "Profesional", premium: "Premium" };

export function etiqueta(tabla, codigo) {
  if (codigo == null) return "";
  return tabla[String(codigo).toLowerCase()] ?? "—";
}
