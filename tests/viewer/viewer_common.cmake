# What the viewer test drivers share (viewer_test.cmake, viewer_analysis_test.cmake): the checks that skip a run
# (no xvfb-run, a corpus capture missing: viewer_skipped is set, the driver returns), a fresh WORK_DIR and its
# database, and the functions that run the cli and the viewer and compare what they say.
set(viewer_skipped FALSE)
if(NOT XVFB_RUN)
    message("SKIPPED: xvfb-run not found (apt install xvfb)")
    set(viewer_skipped TRUE)
    return()
endif()
string(REPLACE "|" ";" SAMPLES "${SAMPLES}")
string(REPLACE "|" ";" later_samples "${LATER_SAMPLES}")
# Corpus captures: skipped when the corpus is not beside the checkout, a failure when CI requires it.
foreach(sample IN LISTS SAMPLES later_samples)
    if(NOT EXISTS "${sample}")
        if("$ENV{SIPSCOPE_REQUIRE_CORPUS}" STREQUAL "1")
            message(FATAL_ERROR "${sample} is missing (SIPSCOPE_REQUIRE_CORPUS=1)")
        endif()
        message("SKIPPED: ${sample} is missing")
        set(viewer_skipped TRUE)
        return()
    endif()
endforeach()
string(REPLACE "|" ";" FILTER_OPTIONS "${FILTER_OPTIONS}")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(db "${WORK_DIR}/viewer.db")
# POSTGRES_URL (the throwaway cluster's database): the same test on PostgreSQL, in a schema of its own.
if(POSTGRES_URL)
    get_filename_component(schema "${WORK_DIR}" NAME)
    string(MAKE_C_IDENTIFIER "viewer_${schema}" schema)
    execute_process(COMMAND psql -q "${POSTGRES_URL}" -c "DROP SCHEMA IF EXISTS ${schema} CASCADE"
                            -c "CREATE SCHEMA ${schema}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "cannot make the schema ${schema} in ${POSTGRES_URL}")
    endif()
    set(db "${POSTGRES_URL}&options=-csearch_path%3D${schema}")
endif()

# Every viewer runs under `xvfb-run -a -f WORK_DIR/Xauthority`: with its own auth file xvfb-run makes no temporary
# folder, whose removal once failed under load and turned the viewer's exit code into xvfb-run's 5.
function(run_sipscope out_var)
    execute_process(COMMAND "${SIPSCOPE}" ${ARGN} --db "${db}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "sipscope ${ARGN} failed (${rc}):\n${out}${err}")
    endif()
    set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Runs the viewer with ARGN; sets json_var to the last JSON line it printed. Fails unless it exits 0.
function(run_viewer json_var)
    execute_process(COMMAND "${XVFB_RUN}" -a -f "${WORK_DIR}/Xauthority" "${VIEWER}" "${db}" --aliases none ${ARGN}
        TIMEOUT 120 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message("sipscope-viewer ${ARGN}: exit ${rc}\n${out}${err}")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "sipscope-viewer failed")
    endif()
    string(REGEX MATCHALL "{\"view\":[^\n]*" lines "${out}")
    list(LENGTH lines count)
    if(count EQUAL 0)
        message(FATAL_ERROR "sipscope-viewer printed no JSON line")
    endif()
    set(${json_var} "${lines}" PARENT_SCOPE)
endfunction()

function(expect_equal what actual expected)
    if(NOT "${actual}" STREQUAL "${expected}")
        message(FATAL_ERROR "${what}: got '${actual}', expected '${expected}'")
    endif()
endfunction()

function(check_png png)
    execute_process(COMMAND "${PNG_CHECK}" "${png}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "screenshot ${png} looks blank or is unreadable")
    endif()
endfunction()

# The number of lines of a JSON-lines listing.
function(count_lines out_var text)
    string(REGEX MATCHALL "\n" newlines "${text}")
    list(LENGTH newlines count)
    set(${out_var} ${count} PARENT_SCOPE)
endfunction()

# The viewer on `db` with ARGN, while a writer imports LATER_SAMPLES into it once the viewer has drawn the first
# database (the file `ready` exists: a screenshot the script takes), so the first dump is taken before it writes,
# whatever the machine's speed; the writer gives up after a minute. Both must exit 0; first_var and last_var get the
# first and the last JSON line.
function(run_beside_writer first_var last_var ready)
    string(REPLACE "|" ";" later "${LATER_SAMPLES}")
    string(REPLACE ";" " " later "${later}")
    execute_process(
        COMMAND sh -c "i=0; while [ ! -f '${ready}' ]; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.1; done; \
'${SIPSCOPE}' import ${later} --db '${db}' >&2"
        COMMAND "${XVFB_RUN}" -a -f "${WORK_DIR}/Xauthority" "${VIEWER}" "${db}" --aliases none ${ARGN}
        TIMEOUT 120 RESULTS_VARIABLE rcs OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message("writer and viewer ${ARGN}: exit ${rcs}\n${out}${err}")
    expect_equal("exit codes of the writer and the viewer" "${rcs}" "0;0")
    string(REGEX MATCHALL "{\"view\":[^\n]*" lines "${out}")
    list(GET lines 0 first)
    list(GET lines -1 last)
    set(${first_var} "${first}" PARENT_SCOPE)
    set(${last_var} "${last}" PARENT_SCOPE)
endfunction()
