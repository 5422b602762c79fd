/** Raw CUDA bindings (downcalls and constants only); see the module description. */
package dev.brasa.cuda;
