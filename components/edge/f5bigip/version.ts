/** The f5bigip provider release this binding was written against (the schema in ../shared/schemas). */
export const F5BIGIP_VERSION = "3.24.0";
