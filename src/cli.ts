// placeholder: the real entry point lands with the foundation commit
export {};
