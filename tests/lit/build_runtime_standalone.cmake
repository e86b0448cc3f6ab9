# Configures and builds runtime/ as its own project with g++ (the compiler a
# machine without LLVM has), then checks what it built.
file(REMOVE_RECURSE ${BINARY})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} -G Ninja
          -DCMAKE_CXX_COMPILER=g++ -DCMAKE_C_COMPILER=gcc
          -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
  RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "the runtime does not configure on its own")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY} RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "the runtime does not build on its own")
endif()
foreach(f libtessera_rt.a libtessera_rt.so)
  file(GLOB_RECURSE found ${BINARY}/${f})
  if(NOT found)
    message(FATAL_ERROR "standalone runtime build produced no ${f}")
  endif()
endforeach()
