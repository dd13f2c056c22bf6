/* The event loop of curation/yamlread.py in C, for the clean path of reading raw/.
 *
 * read(text) drives libyaml over one document and assembles plain Python values exactly
 * as yamlread._events(text, positions=False) does, returning (data, items). Anything it
 * does not handle itself (a tag, an alias, a second document, a duplicate key, a key that
 * is not text, nesting deeper than allowed, a parse error, a scalar the resolver refuses)
 * makes it return None, and the caller reads the text again with the Python loop, which
 * explains the problem. Plain scalars are resolved by the same Python functions the Python
 * loop calls (handed over once by configure()), so both paths give the same values.
 *
 * libyaml is not linked: its functions are looked up at import in PyYAML's own extension
 * (yaml._yaml, which carries libyaml), so both paths parse with the very same parser.
 * Built by hatch_build.py; see yamlread.py for how it is chosen and tested.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <string.h>
#include <yaml.h>

/* the libyaml series whose structures (yaml_parser_t, yaml_event_t) yaml.h lays out; 0.2.1 to
 * 0.2.6 share them */
#define LAYOUT_MAJOR 0
#define LAYOUT_MINOR 2

#ifndef NATO_SOURCE_DIGEST
#define NATO_SOURCE_DIGEST "unknown"
#endif

static struct {
    int (*initialize)(yaml_parser_t *);
    void (*set_input_string)(yaml_parser_t *, const unsigned char *, size_t);
    void (*set_encoding)(yaml_parser_t *, yaml_encoding_t);
    int (*parse)(yaml_parser_t *, yaml_event_t *);
    void (*event_delete)(yaml_event_t *);
    void (*parser_delete)(yaml_parser_t *);
} api;

/* handed over by configure(): the Python loop's cache of short plain scalars, its two
 * resolvers, the first characters of YAML 1.1's implicit types, and its limits */
static PyObject *short_cache = NULL, *short_plain = NULL, *plain = NULL, *implicit = NULL;
static Py_ssize_t short_limit = 80, short_kept = 200000;
static int max_depth = 32;

/* 1 when a YAML 1.1 implicit type may start with the first character of value ("" too: null) */
static int first_is_implicit(PyObject *value)
{
    PyObject *first = PyUnicode_Substring(value, 0, 1);
    if (first == NULL)
        return -1;
    int found = PySequence_Contains(implicit, first);
    Py_DECREF(first);
    return found;
}

/* the value of a plain scalar, as yamlread._events resolves it; NULL with an exception set */
static PyObject *resolve(PyObject *value)
{
    int is_short = PyUnicode_GET_LENGTH(value) < short_limit;
    if (is_short) {
        PyObject *known = PyDict_GetItemWithError(short_cache, value);
        if (known != NULL) {
            Py_INCREF(known);
            return known;
        }
        if (PyErr_Occurred())
            return NULL;
    }
    int is_implicit = first_is_implicit(value);
    if (is_implicit < 0)
        return NULL;
    if (is_implicit)
        return PyObject_CallOneArg(is_short ? short_plain : plain, value);
    Py_INCREF(value);
    if (!is_short)
        return value;
    /* short text as it stands: one copy of it, kept as yamlread._short_plain keeps it */
    PyUnicode_InternInPlace(&value);
    if (PyDict_GET_SIZE(short_cache) >= short_kept)
        PyDict_Clear(short_cache); /* emptied, then it fills again: see yamlread._SHORT_PLAIN */
    if (PyDict_SetItem(short_cache, value, value) < 0) {
        Py_DECREF(value);
        return NULL;
    }
    return value;
}

typedef struct {
    PyObject *container; /* borrowed: owned by its parent, or by root */
    int is_map;
} frame;

static PyObject *read_text(PyObject *Py_UNUSED(self), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "read() takes a str");
        return NULL;
    }
    if (short_cache == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    Py_ssize_t size;
    const char *bytes = PyUnicode_AsUTF8AndSize(text, &size);
    if (bytes == NULL) { /* a lone surrogate: not UTF-8, for the Python loop to refuse */
        if (!PyErr_ExceptionMatches(PyExc_Exception))
            return NULL;
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    frame *stack = PyMem_Malloc(sizeof(frame) * (size_t)(max_depth + 1));
    if (stack == NULL)
        return PyErr_NoMemory();
    PyObject *items = PyList_New(0);
    if (items == NULL) {
        PyMem_Free(stack);
        return NULL;
    }
    yaml_parser_t parser;
    yaml_event_t event;
    if (!api.initialize(&parser)) {
        PyMem_Free(stack);
        Py_DECREF(items);
        return PyErr_NoMemory();
    }
    api.set_input_string(&parser, (const unsigned char *)bytes, (size_t)size);
    api.set_encoding(&parser, YAML_UTF8_ENCODING);

    PyObject *root = NULL, *key = NULL, *value = NULL, *result = NULL;
    PyObject *container = NULL;
    int is_map = 0, depth = 0, documents = 0, done = 0, fallback = 0;

    while (!done) {
        value = NULL; /* what this event makes, ours until it is placed */
        if (!api.parse(&parser, &event)) {
            fallback = 1;
            break;
        }
        int opened = 0, opened_map = 0;
        switch (event.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                fallback = 1;
            break;
        case YAML_SCALAR_EVENT: {
            if (event.data.scalar.tag != NULL) {
                fallback = 1;
                break;
            }
            PyObject *text_value = PyUnicode_DecodeUTF8(
                (const char *)event.data.scalar.value, (Py_ssize_t)event.data.scalar.length, "strict");
            if (text_value == NULL) {
                fallback = 1;
                break;
            }
            yaml_scalar_style_t style = event.data.scalar.style;
            if (event.data.scalar.plain_implicit &&
                (style == YAML_PLAIN_SCALAR_STYLE || style == YAML_ANY_SCALAR_STYLE)) {
                value = resolve(text_value);
                Py_DECREF(text_value);
                if (value == NULL)
                    fallback = 1; /* refused (or failed): the Python loop says why */
            } else {
                value = text_value;
            }
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            int is_mapping = event.type == YAML_MAPPING_START_EVENT;
            const yaml_char_t *tag = is_mapping ? event.data.mapping_start.tag : event.data.sequence_start.tag;
            if (tag != NULL || depth >= max_depth) {
                fallback = 1;
                break;
            }
            value = is_mapping ? PyDict_New() : PyList_New(0);
            if (value == NULL) {
                fallback = 1;
                break;
            }
            opened = 1;
            opened_map = is_mapping;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth == 0) {
                fallback = 1;
                break;
            }
            depth--;
            container = stack[depth].container;
            is_map = stack[depth].is_map;
            Py_CLEAR(key); /* a frame is pushed only while no key waits */
            break;
        case YAML_ALIAS_EVENT:
            fallback = 1;
            break;
        default:
            break;
        }
        size_t line = event.start_mark.line, column = event.start_mark.column;
        api.event_delete(&event); /* which clears the event, marks included */
        if (fallback)
            break;
        if (value == NULL)
            continue;
        /* put the value in its place */
        if (depth == 0) {
            Py_XDECREF(root);
            root = value;
        } else if (is_map) {
            if (key == NULL) { /* this value is a key */
                if (opened || !PyUnicode_CheckExact(value)) {
                    fallback = 1;
                    break;
                }
                int present = PyDict_Contains(container, value);
                if (present != 0) {
                    fallback = 1;
                    break;
                }
                key = value; /* the key owns it now */
                continue;
            }
            int failed = PyDict_SetItem(container, key, value);
            Py_CLEAR(key);
            Py_DECREF(value); /* the mapping holds it */
            if (failed) {
                value = NULL;
                fallback = 1;
                break;
            }
        } else {
            int failed = PyList_Append(container, value);
            Py_DECREF(value); /* the list holds it */
            if (failed) {
                value = NULL;
                fallback = 1;
                break;
            }
            if (depth == 1) { /* an item of the top-level list: a record */
                PyObject *mark = Py_BuildValue(
                    "(nn)", (Py_ssize_t)line + 1, (Py_ssize_t)column + 1);
                if (mark == NULL || PyList_Append(items, mark) < 0) {
                    Py_XDECREF(mark);
                    value = NULL;
                    fallback = 1;
                    break;
                }
                Py_DECREF(mark);
            }
        }
        if (opened) {
            stack[depth].container = container;
            stack[depth].is_map = is_map;
            depth++;
            container = value;
            is_map = opened_map;
        }
        value = NULL;
    }

    if (fallback) {
        /* a value not yet placed is ours to release; a key waiting for its value too */
        Py_XDECREF(value);
        Py_XDECREF(key);
        Py_XDECREF(root);
        Py_DECREF(items);
        if (PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_Exception)) { /* KeyboardInterrupt and the like */
                api.parser_delete(&parser);
                PyMem_Free(stack);
                return NULL;
            }
            PyErr_Clear();
        }
        result = Py_None;
        Py_INCREF(result);
    } else {
        if (root == NULL) {
            root = Py_None;
            Py_INCREF(root);
        }
        result = PyTuple_Pack(2, root, items);
        Py_DECREF(root);
        Py_DECREF(items);
    }
    api.parser_delete(&parser);
    PyMem_Free(stack);
    return result;
}

static PyObject *configure(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *cache, *short_fn, *plain_fn, *implicit_chars;
    Py_ssize_t limit, kept;
    int depth;
    if (!PyArg_ParseTuple(args, "O!OOOnni", &PyDict_Type, &cache, &short_fn, &plain_fn, &implicit_chars, &limit,
                          &kept, &depth))
        return NULL;
    if (!PyCallable_Check(short_fn) || !PyCallable_Check(plain_fn) || limit < 1 || kept < 1 || depth < 1 ||
        depth > 10000) {
        PyErr_SetString(PyExc_ValueError,
                        "configure(cache, short_plain, plain, implicit, short_limit, short_kept, max_depth)");
        return NULL;
    }
    Py_INCREF(cache);
    Py_INCREF(short_fn);
    Py_INCREF(plain_fn);
    Py_INCREF(implicit_chars);
    Py_XSETREF(short_cache, cache);
    Py_XSETREF(short_plain, short_fn);
    Py_XSETREF(plain, plain_fn);
    Py_XSETREF(implicit, implicit_chars);
    short_limit = limit;
    short_kept = kept;
    max_depth = depth;
    Py_RETURN_NONE;
}

/* libyaml's functions, from the extension PyYAML loaded (it exports them) */
static int bind_libyaml(void)
{
    PyObject *module = PyImport_ImportModule("yaml._yaml");
    if (module == NULL)
        return -1;
    PyObject *file = PyObject_GetAttrString(module, "__file__");
    Py_DECREF(module);
    if (file == NULL)
        return -1;
    const char *path = PyUnicode_AsUTF8(file);
    if (path == NULL) {
        Py_DECREF(file);
        return -1;
    }
    void *handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (handle == NULL)
        handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    Py_DECREF(file);
    if (handle == NULL) {
        PyErr_SetString(PyExc_ImportError, "cannot open PyYAML's libyaml");
        return -1;
    }
    void (*get_version)(int *, int *, int *) = (void (*)(int *, int *, int *))dlsym(handle, "yaml_get_version");
    *(void **)&api.initialize = dlsym(handle, "yaml_parser_initialize");
    *(void **)&api.set_input_string = dlsym(handle, "yaml_parser_set_input_string");
    *(void **)&api.set_encoding = dlsym(handle, "yaml_parser_set_encoding");
    *(void **)&api.parse = dlsym(handle, "yaml_parser_parse");
    *(void **)&api.event_delete = dlsym(handle, "yaml_event_delete");
    *(void **)&api.parser_delete = dlsym(handle, "yaml_parser_delete");
    if (!get_version || !api.initialize || !api.set_input_string || !api.set_encoding || !api.parse ||
        !api.event_delete || !api.parser_delete) {
        PyErr_SetString(PyExc_ImportError, "PyYAML's extension does not export libyaml's parser");
        return -1;
    }
    int major, minor, patch;
    get_version(&major, &minor, &patch);
    /* the structures are laid out as in the header this was compiled with: same major and minor */
    if (major != LAYOUT_MAJOR || minor != LAYOUT_MINOR) {
        PyErr_Format(PyExc_ImportError, "PyYAML carries libyaml %d.%d, this reader was built for %d.%d", major,
                     minor, LAYOUT_MAJOR, LAYOUT_MINOR);
        return -1;
    }
    return 0;
}

static PyMethodDef methods[] = {
    {"read", read_text, METH_O, "read(text) -> (data, items), or None when the Python reader must read it"},
    {"configure", configure, METH_VARARGS, "configure(cache, short_plain, plain, implicit, short_limit, short_kept, max_depth)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_yamlc",
    .m_doc = "raw/ YAML read in C (see yamlread.py)",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__yamlc(void)
{
    if (bind_libyaml() < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddStringConstant(m, "SOURCE_DIGEST", NATO_SOURCE_DIGEST) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
